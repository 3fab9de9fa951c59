using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Opens connections with the settings every connection to a Mandate database needs.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string _createConnectionString;
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly int _busyTimeoutMilliseconds;
    private readonly long _walSizeLimitBytes;

    public SqliteConnectionFactory(string fullPath, TimeSpan busyTimeout, long walSizeLimitBytes, bool readOnly)
    {
        FullPath = fullPath;
        _busyTimeoutMilliseconds = (int)Math.Ceiling(busyTimeout.TotalMilliseconds);
        _walSizeLimitBytes = walSizeLimitBytes;

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
        _createConnectionString = builder.ToString();

        // Once the store exists, neither a reopened writer nor a reader may create an empty database where
        // the real one went missing. Offline commands open it read-only: no lock, no migration, no write.
        builder.Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite;
        _writerConnectionString = builder.ToString();
        _readerConnectionString = builder.ToString();
    }

    public string FullPath { get; }

    public string WalPath => FullPath + "-wal";

    /// <summary>
    /// The one connection that writes: WAL, an fsync at every commit, and a WAL brought back under the size
    /// limit whenever SQLite restarts it. <paramref name="create"/> only for the store's first open.
    /// </summary>
    public async Task<SqliteConnection> OpenWriterAsync(bool create, CancellationToken cancellationToken)
    {
        // The store and its WAL hold the audit trail and sealed keys: owner-only from the first byte. Only the
        // first open may create the file; a later open of a missing file must fail, never start a new store.
        if (create)
        {
            Core.Keys.PrivateFile.PrepareDatabaseFile(FullPath);
        }
        else
        {
            foreach (var file in new[] { FullPath, WalPath, FullPath + "-shm" })
            {
                Core.Keys.PrivateFile.Restrict(file);
            }
        }

        var connection = new SqliteConnection(create ? _createConnectionString : _writerConnectionString);
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
            // journal_size_limit: each time the WAL restarts from its beginning it is truncated to this size, so a
            // burst while checkpoints were blocked does not keep its disk space forever.
            await ExecuteAsync(
                connection,
                "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000; "
                + $"PRAGMA journal_size_limit = {_walSizeLimitBytes.ToString(CultureInfo.InvariantCulture)};",
                cancellationToken);
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

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
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
