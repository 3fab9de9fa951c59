using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Storage.Postgres;
using Mandate.Storage.Postgres.Cluster;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Opens a node on the shared PostgreSQL store: one connection pool (<see cref="PostgresDatabase"/>) for the store,
/// the change feed, the cluster locks and the DPoP replay guard, closed by the runtime after all of them.
/// </summary>
internal static partial class PostgresStoreConnection
{
    /// <summary>The store options from <c>postgres:</c>, with the connection string read from its variable or file now.</summary>
    public static PostgresStoreOptions FromConfiguration(MandateOptions options, Func<string, string?> getEnvironment, ILogger logger)
    {
        var config = options.Postgres
            ?? throw new MandateConfigException("the PostgreSQL store needs 'store: postgres' and a 'postgres:' section in the configuration");
        var connectionString = config.ConnectionString.Read(getEnvironment, out var warning);
        if (warning is not null)
        {
            LogConnectionFileReadable(logger, warning);
        }

        return new PostgresStoreOptions
        {
            ConnectionString = connectionString,
            Schema = config.Schema,
            Node = options.Node,
            StatementTimeout = config.StatementTimeout,
            ConnectTimeout = config.ConnectTimeout,
            MaxPoolSize = config.MaxPoolSize,
        };
    }

    /// <summary>Opens the pool and the four parts over it; nothing connects until first used (migration, at start-up).</summary>
    public static StoreConnection Open(PostgresStoreOptions options, StoreHealth health, ILoggerFactory loggers)
    {
        PostgresDatabase database;
        try
        {
            database = new PostgresDatabase(options);
        }
        catch (ArgumentException)
        {
            // Not the parser's message: it may quote part of the string, which holds the password.
            throw new MandateConfigException("the PostgreSQL connection string is not valid; check its keywords (Host, Port, Database, Username, Password, SSL Mode, ...)");
        }

        var locks = new PostgresClusterLocks(database, loggers.CreateLogger<PostgresClusterLocks>());
        return new StoreConnection
        {
            // Health: an outage is logged once and writers waiting on it retry when it ends, as on SQLite.
            Store = new PostgresMandateStore(database, health: health),
            // Wall-clock time, not the broker's clock: whether the listen session is alive is a matter of real seconds.
            ChangeFeed = new PostgresChangeFeed(database, TimeProvider.System, loggers.CreateLogger<PostgresChangeFeed>()),
            Locks = locks,
            ReplayGuard = new PostgresProofReplayGuard(database),
            // The locks first: their sessions end (and leadership passes on) before the pool closes.
            Owned = [locks, database],
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogConnectionFileReadable(ILogger logger, string warning);
}
