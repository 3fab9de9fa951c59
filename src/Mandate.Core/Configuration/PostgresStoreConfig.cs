namespace Mandate.Core.Configuration;

/// <summary>
/// <c>store: postgres</c> with its <c>postgres:</c> section: several broker nodes share one PostgreSQL database. The
/// connection string (which holds the database password) comes from an environment variable or a file, never from
/// mandate.yaml itself; it is read at start-up.
/// </summary>
public sealed record PostgresStoreConfig
{
    /// <summary>The word <c>store:</c> takes to choose PostgreSQL.</summary>
    public const string StoreKeyword = "postgres";

    /// <summary>The Npgsql connection string (<c>connection_string_env</c> or <c>connection_string_file</c>); it holds the database password.</summary>
    public required ConfiguredSecret ConnectionString { get; init; }

    /// <summary>Schema holding Mandate's tables. Default <c>mandate</c>.</summary>
    public string Schema { get; init; } = "mandate";

    /// <summary>Longest one statement may run before the server cancels it and the request fails closed. Default 5 s.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest to wait for a connection to open. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most pooled connections one node opens. Default 50.</summary>
    public int MaxPoolSize { get; init; } = 50;
}
