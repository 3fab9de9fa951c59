namespace Mandate.Storage.Postgres;

/// <summary>
/// How to reach the PostgreSQL store. The connection string comes from an environment variable or a file
/// (never inline in mandate.yaml); use <c>SSL Mode=VerifyFull</c> (libpq's <c>sslmode=verify-full</c>) with a
/// root certificate in production.
/// </summary>
public sealed record PostgresStoreOptions
{
    /// <summary>An Npgsql connection string (host, port, database, user, password, TLS settings).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema holding Mandate's tables (created by the migrator). Default <c>mandate</c>.</summary>
    public string Schema { get; init; } = "mandate";

    /// <summary>This node's name: the connection's application name, so <c>pg_stat_activity</c> shows which node is which.</summary>
    public string Node { get; init; } = Environment.MachineName;

    /// <summary>Longest any one statement may run before the server cancels it (and the request fails closed). Default 5 s.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest to wait for a connection to open. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most pooled connections this node opens. Default 50.</summary>
    public int MaxPoolSize { get; init; } = 50;
}
