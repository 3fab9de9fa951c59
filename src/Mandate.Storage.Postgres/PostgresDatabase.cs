using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>
/// One node's pooled connections to the PostgreSQL store: the schema on the search path, the node's name as the
/// application name, statement and connect timeouts. The store, the change feed, the cluster locks and the proof
/// replay guard all open connections here.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public PostgresDatabase(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            SearchPath = options.Schema,
            ApplicationName = $"mandate:{options.Node}",
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.StatementTimeout.TotalSeconds)) + 1,
            Timeout = Math.Max(1, (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds)),
            MaxPoolSize = options.MaxPoolSize,
            Options = $"-c statement_timeout={(long)options.StatementTimeout.TotalMilliseconds} -c synchronous_commit=on",
        };
        Description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database} (schema {options.Schema})";
        DataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public PostgresStoreOptions Options { get; }

    /// <summary>Host, port, database and schema; never the password.</summary>
    public string Description { get; }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
