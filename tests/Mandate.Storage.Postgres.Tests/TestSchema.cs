using System.Security.Cryptography;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// A private schema on the test server (MANDATE_TEST_PG) with a random name, dropped with everything in it on
/// dispose, so tests (and the nodes one test starts) never see each other's rows.
/// </summary>
public sealed class TestSchema : IAsyncDisposable
{
    private TestSchema(string name) => Name = name;

    public string Name { get; }

    public static string ServerConnectionString => TestPostgresServer.ConnectionString;

    /// <summary>A fresh schema name; the migrator creates the schema itself.</summary>
    public static TestSchema Create() =>
        new("mt" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant());

    /// <summary>Store options for a node named <paramref name="node"/> on this schema.</summary>
    public PostgresStoreOptions Options(string node = "node-a") =>
        new() { ConnectionString = ServerConnectionString, Schema = Name, Node = node, MaxPoolSize = 10 };

    /// <summary>SQL that creates this schema as a build that knew the migrations before <paramref name="version"/> left it.</summary>
    public System.Text.StringBuilder BeforeVersionSql(int version)
    {
        var sql = new System.Text.StringBuilder($"CREATE SCHEMA \"{Name}\"; SET search_path TO \"{Name}\";");
        sql.Append("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());");
        foreach (var migration in PostgresMigration.Embedded.Where(m => m.Version < version))
        {
            sql.Append(migration.Sql).Append($"INSERT INTO schema_migrations (version, name) VALUES ({migration.Version}, '{migration.Name}');");
        }

        return sql;
    }

    /// <summary>Runs SQL as the server's superuser with this schema on the search path (to tamper, to inspect).</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (TestPostgresServer.ConnectionStringOrNull is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { SearchPath = Name };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
