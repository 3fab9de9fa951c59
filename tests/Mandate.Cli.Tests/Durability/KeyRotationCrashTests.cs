using Mandate.Testing;

namespace Mandate.Cli.Tests.Durability;

/// <summary><c>mandate serve</c> killed with SIGKILL while its signing key is rotated under load.</summary>
public sealed class KeyRotationCrashTests
{
    [Fact]
    public async Task Invariant2_SqliteBrokerKilledWhileRotatingItsSigningKey_EveryReceivedCredentialStillVerifies()
    {
        using var dir = new TempFolder();

        await KeyRotationDrill.RunAsync(DurabilityConfig.Write(dir, KeyRotationDrill.Keys), DrillStore.Sqlite(dir));
    }

    [PostgresFact]
    public async Task Invariant2_PostgresBrokerKilledWhileRotatingItsSigningKey_EveryReceivedCredentialStillVerifies()
    {
        await using var schema = new PostgresSchema();
        using var dir = new TempFolder();

        await KeyRotationDrill.RunAsync(DurabilityConfig.Write(dir, schema.Store + "\n" + KeyRotationDrill.Keys), DrillStore.Postgres(schema), PostgresSchema.Kek());
    }
}
