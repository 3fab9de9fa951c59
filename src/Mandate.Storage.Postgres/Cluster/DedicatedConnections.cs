using Npgsql;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// Unpooled connections with the node's settings, for sessions that hold something on the server (a LISTEN, an
/// advisory lock): closing one must end its session at once, never leave it idle in a pool still holding the lock.
/// </summary>
internal static class DedicatedConnections
{
    /// <summary>
    /// A data source like the node's (search path, timeouts, TLS settings) with pooling off, server-side TCP
    /// keepalives of about 25 s, and <c>mandate:{node}:{purpose}</c> as application name, so <c>pg_stat_activity</c>
    /// tells the sessions apart.
    /// </summary>
    public static NpgsqlDataSource Create(PostgresDatabase database, string purpose)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString);

        // The data source hides the password from its connection string; take it from the configured one.
        if (string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = new NpgsqlConnectionStringBuilder(database.Options.ConnectionString).Password;
        }

        builder.Pooling = false;

        // A node that vanishes without closing its socket (power loss, partition) must lose its session, and so its
        // locks, in seconds rather than after the kernel's two-hour default: the server probes an idle peer itself.
        builder.Options = $"{builder.Options} -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3".Trim();
        builder.ApplicationName = $"mandate:{database.Options.Node}:{purpose}";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}
