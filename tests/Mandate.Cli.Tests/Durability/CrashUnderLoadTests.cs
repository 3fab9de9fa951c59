using Mandate.Testing;

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
        await using var schema = new PostgresSchema();
        using var dir = new TempFolder();

        await CrashDrill.RunAsync(DurabilityConfig.Write(dir, schema.Store), PostgresSchema.Kek());
    }
}
