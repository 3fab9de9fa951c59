using System.Security.Cryptography;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Cli.Tests.Durability;

/// <summary>A fresh schema on the test PostgreSQL server, as a broker configuration's <c>store:</c> block; dropped on dispose.</summary>
internal sealed class PostgresSchema : IAsyncDisposable
{
    private readonly string _name = "mk" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();

    /// <summary>The schema's name (lower-case letters and digits: no quoting needed).</summary>
    public string Name => _name;

    /// <summary>The top-level <c>store:</c> and <c>postgres:</c> blocks for <see cref="DurabilityConfig.Write"/>.</summary>
    public string Store => $"""
        store: postgres
        postgres:
          connection_string_env: MANDATE_TEST_PG
          schema: {_name}
        """;

    /// <summary>A key-encryption key for the broker's environment: the PostgreSQL store has no data directory to keep one in.</summary>
    public static IReadOnlyDictionary<string, string> Kek() =>
        new Dictionary<string, string> { ["MANDATE_KEK"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

    /// <summary>A connection whose search path is this schema.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgresServer.ConnectionString) { SearchPath = _name, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = await OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_name}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
