using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Cluster;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Core.Keys;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.SenderConstraint;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// The broker's long-lived parts, opened in order at start: store (migrated), key-encryption key,
/// signing keys, policy, revocations, audit writer. Anything wrong stops start-up with a clear message.
/// </summary>
public sealed partial class MandateRuntime : IAsyncDisposable
{
    private MandateRuntime(MandateOptions options, TimeProvider time, StoreConnection connection, KeyEncryptionKey kek, SigningKeyRing keys, PolicyProvider policy, RevocationList revocations, AuditWriter auditWriter)
    {
        Options = options;
        Time = time;
        _connection = connection;
        Store = connection.Store;
        Kek = kek;
        Keys = keys;
        Policy = policy;
        Revocations = revocations;
        AuditWriter = auditWriter;
    }

    private readonly StoreConnection _connection;
    private bool _watchPolicy;

    public MandateOptions Options { get; }
    public TimeProvider Time { get; }
    public IMandateStore Store { get; }
    public KeyEncryptionKey Kek { get; }
    public SigningKeyRing Keys { get; }
    public PolicyProvider Policy { get; }
    public RevocationList Revocations { get; }
    public AuditWriter AuditWriter { get; }

    /// <summary>How this node hears other nodes' changes (a <see cref="LocalChangeFeed"/> on SQLite).</summary>
    public IChangeFeed ChangeFeed => _connection.ChangeFeed;

    /// <summary>Leadership and cluster-wide mutexes (a <see cref="LocalClusterLocks"/> on SQLite).</summary>
    public IClusterLocks Locks => _connection.Locks;

    /// <summary>Where DPoP proof ids are remembered (in memory on SQLite, in the store on PostgreSQL).</summary>
    public IProofReplayGuard ReplayGuard => _connection.ReplayGuard;

    private ILogger Log { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Keeps <see cref="Revocations"/> up to date with the store's revocation changes.</summary>
    public RevocationFollower RevocationFollower { get; private init; } = null!;

    /// <summary>Whether the store makes writes durable now; its transitions are logged once each.</summary>
    public StoreHealth StoreHealth { get; private init; } = null!;

    /// <summary>The SPIFFE issuer (CA, JWT-SVID key, bundle) when <c>spiffe.enabled</c>; otherwise null.</summary>
    public SpiffeAuthority? Spiffe { get; private set; }

    /// <summary>This node's RS256 access-token keys when a tool asks for <c>signing_alg: RS256</c>; otherwise null (no RSA key is made).</summary>
    public RsaTokenKeyRing? RsaKeys { get; private set; }

    /// <summary>This node's audit checkpoint keys when <c>audit.checkpoints.file</c> is set; otherwise null.</summary>
    public Core.Audit.Checkpoints.AuditCheckpointKeyRing? CheckpointKeys { get; private set; }

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
    /// (6) the revocation list, read through the change cursor the change feed follows later, (7) the SPIFFE issuer. The first step that fails stops start-up with its one-line
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

        var policy = await PolicyProvider.LoadAsync(options.PolicyPath, host.Time, options.ToolCatalog(), loggers.CreateLogger<PolicyProvider>(), cancellationToken);
        var health = new StoreHealth(host.Time);
        StoreConnection? connection = null;
        KeyEncryptionKey? kek = null;
        SigningKeyRing? keys = null;
        RevocationFollower? follower = null;
        try
        {
            connection = builder.OpenStore(health, loggers);
            var store = connection.Store;
            await store.MigrateAsync(cancellationToken);
            // Nodes sharing a store must share the key-encryption key: one made up here would seal keys no other node opens.
            kek = KeyEncryptionKey.Load(options.Keys, host.GetEnvironment, mayGenerate: options.Postgres is null);
            keys = new SigningKeyRing(store, kek, options, host.Time, connection.Locks) { Log = loggers.CreateLogger<KeyRing>() };
            await keys.RefreshAsync(cancellationToken);
            var revocations = new RevocationList(connection.ChangeFeed);
            follower = new RevocationFollower(store, revocations, host.Time);
            await follower.CatchUpAsync(cancellationToken);

            var writer = new AuditWriter(store, options.AuditWriter);
            var runtime = new MandateRuntime(options, host.Time, connection, kek, keys, policy, revocations, writer)
            {
                StoreHealth = health, RevocationFollower = follower, Log = loggers.CreateLogger<MandateRuntime>(),
            };
            if (RsaTokenKeyRing.IsWanted(options))
            {
                runtime.RsaKeys = new RsaTokenKeyRing(store, kek, options, host.Time, connection.Locks) { Log = loggers.CreateLogger<KeyRing>() };
                await runtime.RsaKeys.RefreshAsync(cancellationToken);
            }

            if (options.Spiffe.Enabled)
            {
                runtime.Spiffe = new SpiffeAuthority(store, kek, options, host.Time, connection.Locks, loggers.CreateLogger<KeyRing>());
                await runtime.Spiffe.RefreshAsync(cancellationToken);
            }
            if (options.AuditCheckpoints.File is not null)
            {
                runtime.CheckpointKeys = new Core.Audit.Checkpoints.AuditCheckpointKeyRing(store, kek, options, host.Time, connection.Locks) { Log = loggers.CreateLogger<KeyRing>() };
                await runtime.CheckpointKeys.RefreshAsync(cancellationToken);
            }

            runtime._watchPolicy = host.WatchPolicy;
            return runtime;
        }
        catch
        {
            policy.Dispose();
            follower?.Dispose();
            keys?.Dispose();
            kek?.Dispose();
            if (connection is not null)
            {
                await connection.CloseAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Records the start (the policy in force) and begins following policy changes. Called once the listeners
    /// are bound, so a start that fails (port in use, socket taken) leaves nothing in the audit trail.
    /// </summary>
    public async Task RecordStartAsync(CancellationToken cancellationToken)
    {
        // Logged now rather than as each opened, so a refused start prints only its one error line.
        LogStoreOpened(Log, Store.Description, Options.Node);
        Policy.LogLoaded();
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

    // The description names host, port, database and schema (or the file): never a password.
    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Store} opened and migrated; this node is {Node}")]
    private static partial void LogStoreOpened(ILogger logger, string store, string node);

    public async ValueTask DisposeAsync()
    {
        Policy.Dispose();
        await AuditWriter.DisposeAsync();
        Keys.Dispose();
        RsaKeys?.Dispose();
        Spiffe?.Dispose();
        CheckpointKeys?.Dispose();
        Kek.Dispose();
        RevocationFollower.Dispose();
        await _connection.CloseAsync();
    }
}
