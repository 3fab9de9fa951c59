using Mandate.Core.Audit;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// However a store lays records out on disk (SQLite and PostgreSQL share fields between records), it must hand back
/// each event's canonical payload byte for byte, or the chain it verifies is not the one it wrote.
/// </summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task ReadAuditAsync_UnusualEvents_PayloadsComeBackByteForByteAndTheChainVerifies()
    {
        var time = StoreTestData.Epoch;
        AuditEvent[] events =
        [
            new() { Kind = AuditKinds.KeyRotation, Time = time, Outcome = "rotated", TraceId = null },
            StoreTestData.Event(2) with
            {
                User = "zoë 東京", Reason = "line\nbreak \"quoted\" <tag> & \u2028", TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
                Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["exp"] = "", ["iat"] = "1767225600", ["sub"] = "zoë", ["actor_jti"] = "dev_\"1\"", ["subject_run"] = "run_0", ["aud"] = "é",
                },
            },
            StoreTestData.Event(3) with { Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["exp"] = "1" } },
            StoreTestData.Event(4) with { Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) },
            StoreTestData.Event(5) with { Time = time.AddTicks(1), Agent = null, Tenant = null, User = null, Run = null, Jti = null },
        ];
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new Core.Storage.StoreBatch(events), Cancellation);

        var records = await ReadAllAsync(store);
        var result = await AuditVerifier.VerifyAsync(store, null, Cancellation);

        Assert.Equal(events.Select(AuditCanonicalJson.Serialize), records.Select(r => r.Payload));
        Assert.True(result.IsValid, result.Message);
    }
}
