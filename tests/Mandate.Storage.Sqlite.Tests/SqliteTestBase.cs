using Mandate.Core;
using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>A temp directory, a bounding timeout and raw SQL access for SQLite-specific tests.</summary>
public abstract class SqliteTestBase : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    protected CancellationToken Cancellation => _timeout.Token;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout.Dispose();
            _directory.Dispose();
        }
    }

    protected string NewDatabasePath() => _directory.NewDatabasePath();

    protected static SqliteMandateStore OpenStore(string path, TimeSpan? busyTimeout = null) =>
        new(new SqliteStoreOptions { FilePath = path, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5) });

    protected async Task<SqliteMandateStore> OpenMigratedStoreAsync(string path, TimeSpan? busyTimeout = null)
    {
        var store = OpenStore(path, busyTimeout);
        await store.MigrateAsync(Cancellation);
        return store;
    }

    /// <summary>A connection that bypasses the store, as an operator or attacker with the file would.</summary>
    protected async Task<SqliteConnection> OpenRawAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(Cancellation);
        return connection;
    }

    /// <summary>A database as a build that knew migrations up to <paramref name="version"/> left it.</summary>
    protected async Task CreateAtVersionAsync(string path, int version)
    {
        await ExecuteRawAsync(path, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;");
        foreach (var migration in SqliteMigration.Embedded.Where(m => m.Version <= version))
        {
            await ExecuteRawAsync(path, migration.Sql);
            await ExecuteRawAsync(path, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, '{migration.Name}', '2030-01-01T00:00:00.0000000Z');");
        }
    }

    protected async Task ExecuteRawAsync(string path, string sql)
    {
        await using var connection = await OpenRawAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    protected async Task<object?> ScalarRawAsync(string path, string sql)
    {
        await using var connection = await OpenRawAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Cancellation);
    }

    protected async Task<List<AuditRecord>> ReadAllAsync(IMandateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery(), Cancellation))
        {
            records.Add(record);
        }

        return records;
    }
}
