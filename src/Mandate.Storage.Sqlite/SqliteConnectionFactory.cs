using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Opens connections with the settings every connection to a Mandate database needs.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly int _busyTimeoutMilliseconds;

    public SqliteConnectionFactory(string fullPath, TimeSpan busyTimeout)
    {
        FullPath = fullPath;
        _busyTimeoutMilliseconds = (int)Math.Ceiling(busyTimeout.TotalMilliseconds);

        // No pooling: the writer stays open for the store's life and readers are short, so pooling would
        // only keep file handles alive after dispose. DefaultTimeout is the driver's own busy-retry window
        // (whole seconds); at its minimum of 1 the busy_timeout pragma below governs.
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 1,
        };
        _writerConnectionString = builder.ToString();

        // Readers must not create an empty database where the real one is missing.
        builder.Mode = SqliteOpenMode.ReadWrite;
        _readerConnectionString = builder.ToString();
    }

    public string FullPath { get; }

    /// <summary>The one connection that writes: WAL, and an fsync at every commit.</summary>
    public async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        // The store and its WAL hold the audit trail and sealed keys: owner-only from the first byte.
        Core.Keys.PrivateFile.PrepareDatabaseFile(FullPath);
        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {BusyTimeout};", cancellationToken);
            var mode = await ScalarAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"SQLite refused write-ahead logging for {FullPath} (journal mode is '{mode}'); use a file on a local disk.");
            }

            // FULL: a commit returns only after the WAL is on disk, so a credential never outlives its audit record.
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A read-only connection; in WAL mode it reads a snapshot without blocking the writer.</summary>
    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {BusyTimeout}; PRAGMA query_only = ON;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private string BusyTimeout => _busyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
