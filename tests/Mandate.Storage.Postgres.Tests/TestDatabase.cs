using System.Security.Cryptography;
using Npgsql;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// A private database on the test server, dropped on dispose. NOTIFY channels are per database, so a test that
/// asserts what a listener did or did not hear runs here, where no other test (or other schema) notifies.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name) => Name = name;

    public string Name { get; }

    /// <summary>The server's connection string pointed at this database.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(TestSchema.ServerConnectionString) { Database = Name }.ConnectionString;

    public static async Task<TestDatabase> CreateAsync()
    {
        var database = new TestDatabase("mtdb" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant());
        await using var connection = new NpgsqlConnection(TestSchema.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Store options for node <paramref name="node"/> on schema <c>mandate</c> of this database.</summary>
    public PostgresStoreOptions Options(string node = "node-a") =>
        new() { ConnectionString = ConnectionString, Schema = "mandate", Node = node, MaxPoolSize = 10 };

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestSchema.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
