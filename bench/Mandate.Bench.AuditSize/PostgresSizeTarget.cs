using Mandate.Core;
using Mandate.Storage.Postgres;
using Npgsql;

namespace Mandate.Bench.AuditSize;

/// <summary>
/// PostgreSQL: a fresh schema; after <c>VACUUM</c>, each audit table's heap (with its TOAST) and each of its indexes
/// by <c>pg_relation_size</c>, and the column bytes by <c>pg_column_size</c>. The schema is dropped afterwards.
/// </summary>
internal sealed class PostgresSizeTarget(string connectionString) : SizeTarget
{
    private readonly string _schema = $"audit_size_{Guid.NewGuid():N}"[..24];
    private PostgresDatabase? _database;
    private PostgresMandateStore? _store;

    public override string Name => "PostgreSQL";

    public override async Task<IMandateStore> OpenAsync()
    {
        _database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = connectionString, Schema = _schema, StatementTimeout = TimeSpan.FromMinutes(5) });
        _store = new PostgresMandateStore(_database);
        await _store.MigrateAsync(CancellationToken.None);
        return _store;
    }

    public override async Task<StoreSizes> MeasureAsync()
    {
        await using var connection = await _database!.DataSource.OpenConnectionAsync();
        await ExecuteAsync(connection, "VACUUM (ANALYZE);");
        var objects = new List<ObjectSize>();
        foreach (var (name, kind) in await RelationsAsync(connection))
        {
            var size = kind == "r" ? $"pg_table_size('{_schema}.\"{name}\"')" : $"pg_relation_size('{_schema}.\"{name}\"')";
            objects.Add(new ObjectSize((kind == "r" ? "table " : "index ") + name, await ScalarAsync(connection, $"SELECT {size};")));
        }

        var columns = new List<ColumnSize>();
        foreach (var table in objects.Where(o => o.Name.StartsWith("table ", StringComparison.Ordinal)).Select(o => o.Name[6..]))
        {
            foreach (var column in await ColumnNamesAsync(connection, table))
            {
                columns.Add(new ColumnSize(table, column, await ScalarAsync(connection, $"SELECT COALESCE(sum(pg_column_size(\"{column}\")), 0) FROM \"{table}\";")));
            }
        }

        return new StoreSizes(objects.Sum(o => o.Bytes), objects, columns);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is null)
        {
            return;
        }

        await using (var connection = await _database.DataSource.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, $"DROP SCHEMA \"{_schema}\" CASCADE;");
        }

        await _database.DisposeAsync();
    }

    private async Task<List<(string Name, string Kind)>> RelationsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = $1 AND c.relname LIKE 'audit%' AND c.relkind IN ('r', 'i') ORDER BY c.relkind DESC, c.relname;",
            connection);
        command.Parameters.AddWithValue(_schema);
        var relations = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            relations.Add((reader.GetString(0), reader.GetString(1)));
        }

        return relations;
    }

    private async Task<List<string>> ColumnNamesAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position;",
            connection);
        command.Parameters.AddWithValue(_schema);
        command.Parameters.AddWithValue(table);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
