using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Core.Keys;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Mandate.Policy;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// The broker's long-lived parts, opened in order at start: store (migrated), key-encryption key,
/// signing keys, policy, revocations, audit writer. Anything wrong stops start-up with a clear message.
/// </summary>
public sealed class MandateRuntime : IAsyncDisposable
{
    private MandateRuntime(MandateOptions options, TimeProvider time, IMandateStore store, KeyEncryptionKey kek, SigningKeyRing keys, PolicyProvider policy, RevocationList revocations, AuditWriter auditWriter)
    {
        Options = options;
        Time = time;
        Store = store;
        Kek = kek;
        Keys = keys;
        Policy = policy;
        Revocations = revocations;
        AuditWriter = auditWriter;
    }

    private bool _watchPolicy;

    public MandateOptions Options { get; }
    public TimeProvider Time { get; }
    public IMandateStore Store { get; }
    public KeyEncryptionKey Kek { get; }
    public SigningKeyRing Keys { get; }
    public PolicyProvider Policy { get; }
    public RevocationList Revocations { get; }
    public AuditWriter AuditWriter { get; }

    /// <summary>Whether the store makes writes durable now; its transitions are logged once each.</summary>
    public StoreHealth StoreHealth { get; private init; } = null!;

    /// <summary>The SPIFFE issuer (CA, JWT-SVID key, bundle) when <c>spiffe.enabled</c>; otherwise null.</summary>
    public SpiffeAuthority? Spiffe { get; private set; }

    /// <summary>Opens the runtime on the default SQLite store at <c>options.StorePath</c>.</summary>
    public static Task<MandateRuntime> OpenAsync(MandateOptions options, MandateHostOptions host, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        return OpenAsync(new MandateBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection(), options, host), loggers, cancellationToken);
    }

    /// <summary>
    /// The ordered start-up, declared once: (1) the new-store guard and development issuers, (2) the policy,
    /// (3) the store the builder chose, opened and migrated, (4) the key-encryption key, (5) the signing keys,
    /// (6) the revocation list, (7) the SPIFFE issuer. The first step that fails stops start-up with its one-line
    /// message, and whatever was opened is closed again; nothing listens yet.
    /// </summary>
    public static async Task<MandateRuntime> OpenAsync(MandateBuilder builder, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(loggers);
        var options = builder.Options;
        var host = builder.Host;
        NewStoreGuard.Check(options, host);
        foreach (var issuer in options.Issuers.Where(i => i.DevSigner))
        {
            DevIssuer.Ensure(issuer, options.DataDirectory).Dispose();
        }

        var policy = await PolicyProvider.LoadAsync(options.PolicyPath, host.Time, options.ToolNames(), loggers.CreateLogger<PolicyProvider>(), cancellationToken);
        var health = new StoreHealth(host.Time);
        var store = builder.OpenStore(health);
        try
        {
            await store.MigrateAsync(cancellationToken);
            var kek = KeyEncryptionKey.Load(options.Keys, host.GetEnvironment);
            var keys = new SigningKeyRing(store, kek, options, host.Time);
            await keys.RefreshAsync(cancellationToken);
            var revocations = new RevocationList();
            foreach (var r in await store.ListRevocationsAsync(host.Time.GetUtcNow(), cancellationToken))
            {
                revocations.Add(r);
            }

            var writer = new AuditWriter(store);
            var runtime = new MandateRuntime(options, host.Time, store, kek, keys, policy, revocations, writer) { StoreHealth = health };
            if (options.Spiffe.Enabled)
            {
                runtime.Spiffe = new SpiffeAuthority(store, kek, options, host.Time);
                await runtime.Spiffe.RefreshAsync(cancellationToken);
            }
            runtime._watchPolicy = host.WatchPolicy;
            return runtime;
        }
        catch
        {
            policy.Dispose();
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Records the start (the policy in force) and begins following policy changes. Called once the listeners
    /// are bound, so a start that fails (port in use, socket taken) leaves nothing in the audit trail.
    /// </summary>
    public async Task RecordStartAsync(CancellationToken cancellationToken)
    {
        await RecordPolicyAsync(Policy.Current.Version, null, cancellationToken);
        Policy.Changed += (_, e) => _ = RecordPolicyAsync(e.NewVersion, e.OldVersion, CancellationToken.None);
        if (_watchPolicy)
        {
            Policy.StartWatching();
        }
    }

    /// <summary>Records which policy version is in force, so every later decision's version can be traced to a load.</summary>
    private async Task RecordPolicyAsync(string version, string? previous, CancellationToken cancellationToken)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["path"] = Options.PolicyPath };
        if (previous is not null)
        {
            evidence["previous_version"] = previous;
        }

        try
        {
            await AuditWriter.CommitAsync(new StoreBatch(new AuditEvent { Kind = AuditKinds.PolicyLoaded, Time = Time.GetUtcNow(), Outcome = "loaded", PolicyVersion = version, Node = Options.Node, Evidence = evidence }), cancellationToken);
        }
        catch (StoreUnavailableException) when (previous is not null)
        {
            // A reload is already in force; its version still appears on every decision it makes.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Policy.Dispose();
        await AuditWriter.DisposeAsync();
        Keys.Dispose();
        Spiffe?.Dispose();
        Kek.Dispose();
        await Store.DisposeAsync();
    }
}
