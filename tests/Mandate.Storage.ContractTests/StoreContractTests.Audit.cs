using Mandate.Core.Audit;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task CommitAsync_FirstEvents_ChainFromGenesis()
    {
        await using var store = await CreateMigratedStoreAsync();

        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);

        var record = Assert.Single(await ReadAllAsync(store));
        Assert.Equal(1, record.Sequence);
        Assert.Equal(AuditChain.GenesisHash, record.PreviousHash);
        Assert.Equal(AuditChain.ComputeHash(1, AuditChain.GenesisHash, record.Payload), record.Hash);
    }

    [StoreFact]
    public async Task CommitAsync_SeveralBatches_OneContinuousChain()
    {
        await using var store = await CreateMigratedStoreAsync();

        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);
        await store.CommitAsync(StoreTestData.Events(2, 2), Cancellation);
        await store.CommitAsync(StoreTestData.Events(4, 3), Cancellation);

        var records = await ReadAllAsync(store);
        Assert.Equal([1L, 2, 3, 4, 5, 6], records.Select(r => r.Sequence));
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
        }

        var result = await AuditVerifier.VerifyAsync(store, new AuditTail(6, records[^1].Hash), Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(6, result.RecordCount);
    }

    [StoreFact]
    public async Task CommitAsync_Event_RoundTripsEveryField()
    {
        await using var store = await CreateMigratedStoreAsync();
        var written = StoreTestData.Event(1) with { Reason = "naïve “quoted” reason ✓", Evidence = new Dictionary<string, string> { ["z"] = "1", ["a"] = "é" } };

        await store.CommitAsync(new StoreBatch(written), Cancellation);

        var record = Assert.Single(await ReadAllAsync(store));
        Assert.Equal(AuditCanonicalJson.Serialize(written), record.Payload);
        var read = record.Event;
        Assert.Equal(written.Time, read.Time);
        Assert.Equal(written.Time.UtcTicks, read.Time.UtcTicks);
        Assert.Equal(written.Reason, read.Reason);
        Assert.Equal(written.Evidence.OrderBy(p => p.Key), read.Evidence.OrderBy(p => p.Key));
    }

    [StoreFact]
    public async Task ReadAuditAsync_Records_CarryIndexColumnsMatchingPayload()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 3), Cancellation);

        foreach (var record in await ReadAllAsync(store))
        {
            Assert.NotNull(record.Columns);
            Assert.Equal(AuditIndexColumns.From(record.Event), record.Columns);
        }
    }

    [StoreFact]
    public async Task CommitAsync_EmptyBatch_WritesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();

        await store.CommitAsync(new StoreBatch(), Cancellation);
        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);

        Assert.Equal(1, Assert.Single(await ReadAllAsync(store)).Sequence);
    }

    [StoreFact]
    public async Task CommitAsync_ConcurrentCallers_OneUnbrokenChain()
    {
        await using var store = await CreateMigratedStoreAsync();

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await store.CommitAsync(StoreTestData.Events((w * 100) + (i * 2), 2), Cancellation);
            }
        }));
        await Task.WhenAll(writers);

        var result = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(160, result.RecordCount);
    }

    [StoreFact]
    public async Task CommitAsync_BatchFailsPartway_WritesNothingAndBurnsNoSequence()
    {
        await using var store = await CreateMigratedStoreAsync();
        var broken = StoreTestData.Key("k-broken") with { PublicJwk = null! };
        var batch = StoreTestData.Events(1, 3).Append(StoreTestData.Revocation("rev-1"), StoreTestData.Key("k-good"), broken);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(batch, Cancellation));

        Assert.Empty(await ReadAllAsync(store));
        Assert.Empty(await store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation));
        Assert.Empty(await store.ListKeysAsync("token-signing", Cancellation));
        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);
        Assert.Equal(1, Assert.Single(await ReadAllAsync(store)).Sequence);
    }

    [StoreFact]
    public async Task CommitAsync_MixedBatch_AllPartsVisible()
    {
        await using var store = await CreateMigratedStoreAsync();
        var batch = StoreTestData.Events(1, 1).Append(StoreTestData.Revocation("rev-1"), StoreTestData.Key("k1"));

        await store.CommitAsync(batch, Cancellation);

        Assert.Single(await ReadAllAsync(store));
        Assert.Equal("rev-1", Assert.Single(await store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation)).Id);
        Assert.Equal("k1", Assert.Single<StoredKey>(await store.ListKeysAsync("token-signing", Cancellation)).Kid);
    }
}
