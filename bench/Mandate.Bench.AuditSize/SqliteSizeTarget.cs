using Mandate.Core;
using Mandate.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mandate.Bench.AuditSize;

/// <summary>
/// SQLite: the file after a WAL checkpoint. Each audit index and table is measured by dropping it from a vacuumed
/// copy and vacuuming again (the build's SQLite has no <c>dbstat</c>), so the figures are whole pages, as on disk.
/// </summary>
internal sealed class SqliteSizeTarget(string directory) : SizeTarget
{
    private readonly string _path = Path.Combine(directory, $"audit-size-{Guid.NewGuid():N}.db");
    private SqliteMandateStore? _store;

    public override string Name => "SQLite";

    public override async Task<IMandateStore> OpenAsync()
    {
        _store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = _path });
        await _store.MigrateAsync(CancellationToken.None);
        return _store;
    }

    public override async Task<StoreSizes> MeasureAsync()
    {
        await _store!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        var copy = _path + ".measure";
        await using (var connection = await OpenAsync(_path))
        {
            await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
            await ExecuteAsync(connection, $"VACUUM INTO '{copy}';");
        }

        var total = new FileInfo(_path).Length;
        var objects = new List<ObjectSize>();
        var columns = new List<ColumnSize>();
        await using (var connection = await OpenAsync(copy))
        {
            var tables = await NamesAsync(connection, "table");
            foreach (var table in tables)
            {
                foreach (var column in await ColumnsAsync(connection, table))
                {
                    var bytes = await ScalarAsync(connection, $"SELECT COALESCE(sum(length(CAST(\"{column}\" AS BLOB))), 0) FROM \"{table}\";");
                    columns.Add(new ColumnSize(table, column, bytes));
                }
            }

            await ExecuteAsync(connection, "PRAGMA foreign_keys = OFF;");
            var before = await FileBytesAsync(connection);
            foreach (var index in await NamesAsync(connection, "index"))
            {
                await ExecuteAsync(connection, $"DROP INDEX \"{index}\"; VACUUM;");
                var after = await FileBytesAsync(connection);
                objects.Add(new ObjectSize("index " + index, before - after));
                before = after;
            }

            foreach (var table in tables)
            {
                await ExecuteAsync(connection, $"DROP TABLE \"{table}\"; VACUUM;");
                var after = await FileBytesAsync(connection);
                objects.Add(new ObjectSize("table " + table, before - after));
                before = after;
            }

            objects.Add(new ObjectSize("schema and other tables", before));
        }

        SqliteConnection.ClearAllPools();
        File.Delete(copy);
        return new StoreSizes(total, objects, columns);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    // Every object whose name starts with "audit": the audit log's tables and indexes (automatic ones included).
    private static async Task<List<string>> NamesAsync(SqliteConnection connection, string type)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM sqlite_master WHERE type = '{type}' AND name LIKE 'audit%' AND sql IS NOT NULL ORDER BY name;";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<List<string>> ColumnsAsync(SqliteConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}');";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<long> FileBytesAsync(SqliteConnection connection) =>
        await ScalarAsync(connection, "PRAGMA page_count;") * await ScalarAsync(connection, "PRAGMA page_size;");

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
