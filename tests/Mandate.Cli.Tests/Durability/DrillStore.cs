using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// The store under a drill, read and aged by SQL while the broker is down: what an operator would check by hand, and the
/// passing of time a broker cannot be made to skip from outside.
/// </summary>
internal abstract class DrillStore
{
    /// <summary>The SQLite store of <see cref="DurabilityConfig.Write"/> (<c>data/mandate.db</c>).</summary>
    public static DrillStore Sqlite(TempFolder dir) => new SqliteDrillStore(Path.Combine(dir.Path, "data", "mandate.db"));

    public static DrillStore Postgres(PostgresSchema schema) => new PostgresDrillStore(schema);

    /// <summary>Moves every stored key of <paramref name="purpose"/> <paramref name="by"/> into the past.</summary>
    public abstract Task AgeKeysAsync(string purpose, TimeSpan by);

    /// <summary>A count (or other integer) the query returns.</summary>
    public abstract Task<long> ScalarAsync(string sql);

    private sealed class SqliteDrillStore(string path) : DrillStore
    {
        public override async Task AgeKeysAsync(string purpose, TimeSpan by)
        {
            await using var connection = await OpenAsync();
            var rows = new List<(string Kid, string CreatedAt)>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT kid, created_at FROM keys WHERE purpose = $purpose;";
                read.Parameters.AddWithValue("$purpose", purpose);
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            foreach (var (kid, createdAt) in rows)
            {
                await using var update = connection.CreateCommand();
                update.CommandText = "UPDATE keys SET created_at = $at WHERE kid = $kid;";
                var aged = DateTimeOffset.Parse(createdAt, System.Globalization.CultureInfo.InvariantCulture) - by;
                update.Parameters.AddWithValue("$at", Core.Audit.AuditCanonicalJson.FormatTime(aged));
                update.Parameters.AddWithValue("$kid", kid);
                await update.ExecuteNonQueryAsync();
            }
        }

        public override async Task<long> ScalarAsync(string sql)
        {
            await using var connection = await OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        private async Task<SqliteConnection> OpenAsync()
        {
            var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            return connection;
        }
    }

    private sealed class PostgresDrillStore(PostgresSchema schema) : DrillStore
    {
        // The store keeps times as UTC ticks (PostgresValues.Time).
        public override async Task AgeKeysAsync(string purpose, TimeSpan by)
        {
            await using var connection = await schema.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE keys SET created_at = created_at - $1 WHERE purpose = $2;", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = by.Ticks });
            command.Parameters.Add(new NpgsqlParameter { Value = purpose });
            await command.ExecuteNonQueryAsync();
        }

        public override async Task<long> ScalarAsync(string sql)
        {
            await using var connection = await schema.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
