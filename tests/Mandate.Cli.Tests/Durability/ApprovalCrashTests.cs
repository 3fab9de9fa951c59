using Mandate.Testing;

namespace Mandate.Cli.Tests.Durability;

/// <summary><c>mandate serve</c> killed with SIGKILL while approval decisions are in flight beside the agent polling.</summary>
public sealed class ApprovalCrashTests
{
    [Fact]
    public async Task Invariant2_SqliteBrokerKilledWhileApproving_EachApprovalIsPendingOrDecidedOnceAndEveryCollectedCredentialIsRecorded()
    {
        using var dir = new TempFolder();

        await ApprovalDrill.RunAsync(dir, DurabilityConfig.Write(dir));
    }

    [PostgresFact]
    public async Task Invariant2_PostgresBrokerKilledWhileApproving_EachApprovalIsPendingOrDecidedOnceAndEveryCollectedCredentialIsRecorded()
    {
        await using var schema = new PostgresSchema();
        using var dir = new TempFolder();

        await ApprovalDrill.RunAsync(dir, DurabilityConfig.Write(dir, schema.Store), PostgresSchema.Kek());
    }
}
