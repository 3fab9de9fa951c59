using Mandate.Core;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Grants;
using Mandate.Core.Storage;
using Mandate.Storage.Postgres;
using Mandate.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Returned by <see cref="MandateServiceCollectionExtensions.AddMandate"/>: chooses the store and adds the pluggable
/// parts (credential kinds, trust sources, grants). Every method is idempotent: adding the same type twice registers it once.
/// </summary>
public sealed class MandateBuilder
{
    internal MandateBuilder(IServiceCollection services, MandateOptions options, MandateHostOptions host)
    {
        Services = services;
        Options = options;
        Host = host;
        OpenStore = DefaultSqliteStore;
    }

    /// <summary>The service collection the broker is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The broker's configuration.</summary>
    public MandateOptions Options { get; }

    /// <summary>How the broker process is hosted.</summary>
    public MandateHostOptions Host { get; }

    /// <summary>Creates the store start-up opens and migrates (SQLite at <c>options.StorePath</c> unless chosen otherwise) and its cluster parts.</summary>
    internal Func<StoreHealth, ILoggerFactory, StoreConnection> OpenStore { get; private set; }

    /// <summary>
    /// Keeps the broker's state in the SQLite file at <c>data_dir</c>/<c>mandate.db</c>, with the host's busy timeout
    /// and WAL size limit; <paramref name="configure"/> may change any of them.
    /// </summary>
    public MandateBuilder UseSqliteStore(Func<SqliteStoreOptions, SqliteStoreOptions>? configure = null)
    {
        OpenStore = configure is null
            ? DefaultSqliteStore
            : (health, _) => StoreConnection.Local(new SqliteMandateStore(configure(SqliteOptions(health)) with { Health = health }, Host.Time), Options.Limits.DpopReplayCacheEntries);
        return this;
    }

    /// <summary>
    /// Keeps the broker's state in the shared PostgreSQL store, so any number of nodes serve together: the connection
    /// string from <paramref name="options"/>, or (when null) from the configuration's <c>postgres:</c> section, read
    /// from its environment variable or file at start-up. The change feed, cluster locks and DPoP replay guard follow.
    /// </summary>
    public MandateBuilder UsePostgresStore(PostgresStoreOptions? options = null)
    {
        OpenStore = (health, loggers) => PostgresStoreConnection.Open(
            options ?? PostgresStoreConnection.FromConfiguration(Options, Host.GetEnvironment, loggers.CreateLogger<MandateBuilder>()),
            health,
            loggers);
        return this;
    }

    /// <summary>The store the configuration names: PostgreSQL for <c>store: postgres</c>, else the SQLite file.</summary>
    public MandateBuilder UseConfiguredStore() => Options.Postgres is null ? UseSqliteStore() : UsePostgresStore();

    /// <summary>Adds a credential kind; the Issue stage mints through the one registered for a tool's kind.</summary>
    public MandateBuilder AddCredentialKind<T>()
        where T : class, ICredentialKind
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICredentialKind, T>());
        return this;
    }

    /// <summary>Adds a source of issuers whose tokens attest users or workloads.</summary>
    public MandateBuilder AddTrustSource<T>()
        where T : class, ITrustSource
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrustSource, T>());
        return this;
    }

    /// <summary>
    /// Adds a grant handler after those already added: registered as itself (singleton) and asked, in
    /// registration order, whether a token request is its own.
    /// </summary>
    public MandateBuilder AddGrant<T>()
        where T : class, IGrantHandler
    {
        Services.TryAddSingleton<T>();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IGrantHandler, T>(sp => sp.GetRequiredService<T>()));
        return this;
    }

    /// <summary>
    /// Registers the parts start-up opened and loaded (store, keys, policy, revocations, audit writer, SPIFFE issuer).
    /// The runtime keeps ownership: they are registered as instances, so the container never disposes them.
    /// </summary>
    public MandateBuilder UseRuntime(MandateRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (Services.Any(d => d.ServiceType == typeof(MandateRuntime)))
        {
            return this;
        }

        Services.AddSingleton(runtime);
        Services.AddSingleton(runtime.Store);
        Services.AddSingleton(runtime.Kek);
        Services.AddSingleton(runtime.Keys);
        Services.AddSingleton(runtime.Policy);
        Services.AddSingleton(runtime.Revocations);
        Services.AddSingleton(runtime.AuditWriter);
        Services.AddSingleton(Telemetry.TelemetryRegistrations.Trail(runtime.AuditWriter, Options, Host));
        Services.AddSingleton(Telemetry.TelemetryRegistrations.Approvals(runtime.Store, Options, Host));
        Services.AddSingleton(runtime.StoreHealth);
        Services.Replace(ServiceDescriptor.Singleton(runtime.ChangeFeed));
        Services.Replace(ServiceDescriptor.Singleton(runtime.Locks));
        Services.Replace(ServiceDescriptor.Singleton(runtime.ReplayGuard));
        Services.AddSingleton(runtime.RevocationFollower);
        if (runtime.RsaKeys is { } rsaKeys)
        {
            Services.AddSingleton(rsaKeys);
        }

        if (runtime.Spiffe is { } authority)
        {
            Services.AddSingleton(authority);
        }

        if (runtime.CheckpointKeys is { } checkpointKeys && Options.AuditCheckpoints.File is { } checkpointFile)
        {
            Services.AddSingleton(checkpointKeys);
            Services.AddSingleton(sp => new Core.Audit.Checkpoints.AuditCheckpointWriter(
                runtime.Store, checkpointKeys, checkpointFile, Options.Node, Options.Issuer, runtime.Time, sp.GetService<AuditStream.AuditStreamCheckpoints>() is { } stream ? stream.Add : null));
            Services.AddHostedService<AuditCheckpointService>();
        }

        return this;
    }

    private SqliteStoreOptions SqliteOptions(StoreHealth health) => new()
    {
        FilePath = Options.StorePath,
        BusyTimeout = Host.StoreBusyTimeout,
        WalSizeLimitBytes = Host.StoreWalSizeLimitBytes,
        Health = health,
    };

    private StoreConnection DefaultSqliteStore(StoreHealth health, ILoggerFactory loggers) =>
        StoreConnection.Local(new SqliteMandateStore(SqliteOptions(health), Host.Time), Options.Limits.DpopReplayCacheEntries);
}
