using Mandate.Testing;

namespace Mandate.Cli.Tests.Durability;

/// <summary><c>mandate serve</c> killed with SIGKILL while revocations are in flight beside live exchanges.</summary>
public sealed class RevocationCrashTests
{
    [Fact]
    public async Task Invariant6_SqliteBrokerKilledWhileRevoking_EveryAcknowledgedRevocationIsInForceAndAudited()
    {
        using var dir = new TempFolder();

        await RevocationDrill.RunAsync(DurabilityConfig.Write(dir));
    }

    [PostgresFact]
    public async Task Invariant6_PostgresBrokerKilledWhileRevoking_EveryAcknowledgedRevocationIsInForceAndAudited()
    {
        await using var schema = new PostgresSchema();
        using var dir = new TempFolder();

        await RevocationDrill.RunAsync(DurabilityConfig.Write(dir, schema.Store), PostgresSchema.Kek());
    }
}
