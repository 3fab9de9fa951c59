using System.Security.Cryptography;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// <c>mandate serve</c> killed with SIGKILL while exchanges are in flight, then started again as an operator would:
/// no credential a client received is missing from the audit trail, and the chain verifies.
/// </summary>
public sealed class CrashUnderLoadTests
{
    [Fact]
    public async Task Invariant2_SqliteBrokerKilledUnderLoad_EveryReceivedCredentialHasItsIssuanceRecord()
    {
        using var dir = new TempFolder();

        await CrashDrill.RunAsync(DurabilityConfig.Write(dir));
    }

    [PostgresFact]
    public async Task Invariant2_PostgresBrokerKilledUnderLoad_EveryReceivedCredentialHasItsIssuanceRecord()
    {
        var schema = "mk" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        using var dir = new TempFolder();
        var store = $"""
            store: postgres
            postgres:
              connection_string_env: MANDATE_TEST_PG
              schema: {schema}
            """;
        try
        {
            var kek = new Dictionary<string, string> { ["MANDATE_KEK"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            await CrashDrill.RunAsync(DurabilityConfig.Write(dir, store), kek);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(TestPostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
