using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Retention;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>Retention: a prune anchor removes the records up to it in one commit, and the chain continues from it.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task CommitAsync_PruneAnchor_RemovesRecordsUpToItAndTheChainVerifiesFromIt()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 5), Cancellation);
        var anchor = await AnchorAtAsync(store, 3);

        await store.CommitAsync(new StoreBatch(anchor, StoreTestData.Event(6, kind: RetentionAuditKinds.AuditArchived)), Cancellation);

        var records = await ReadAllAsync(store);
        Assert.Equal([4L, 5, 6], records.Select(r => r.Sequence));
        Assert.Equal(anchor, await store.ReadPruneAnchorAsync(Cancellation));
        var result = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(3, result.ArchivedThrough);
        Assert.Equal(3, result.RecordCount);
    }

    [StoreFact]
    public async Task CommitAsync_AfterPruningEveryRecord_NextRecordLinksToTheAnchor()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 3), Cancellation);
        var anchor = await AnchorAtAsync(store, 3);
        await store.CommitAsync(new StoreBatch(anchor), Cancellation);
        Assert.Empty(await ReadAllAsync(store));

        await store.CommitAsync(StoreTestData.Events(4, 1), Cancellation);

        var record = Assert.Single(await ReadAllAsync(store));
        Assert.Equal(4, record.Sequence);
        Assert.Equal(anchor.Hash, record.PreviousHash);
        Assert.True((await AuditVerifier.VerifyAsync(store, null, Cancellation)).IsValid);
    }

    [StoreFact]
    public async Task CommitAsync_SecondPruneContinuesFromTheFirst()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 6), Cancellation);
        await store.CommitAsync(new StoreBatch(await AnchorAtAsync(store, 2)), Cancellation);

        var second = await AnchorAtAsync(store, 5);
        await store.CommitAsync(new StoreBatch(second), Cancellation);

        Assert.Equal([6L], (await ReadAllAsync(store)).Select(r => r.Sequence));
        Assert.Equal(second, await store.ReadPruneAnchorAsync(Cancellation));
        Assert.Equal(5, (await AuditVerifier.VerifyAsync(store, null, Cancellation)).ArchivedThrough);
    }

    [StoreFact]
    public async Task CommitAsync_PruneAnchorWithAnotherHash_IsRejectedAndChangesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 4), Cancellation);
        var forged = await AnchorAtAsync(store, 3) with { Hash = new string('a', 64) };

        await AssertPruneRejectedAsync(store, forged, "no record with the anchor's sequence and hash");

        Assert.Equal([1L, 2, 3, 4], (await ReadAllAsync(store)).Select(r => r.Sequence));
        Assert.Null(await store.ReadPruneAnchorAsync(Cancellation));
    }

    [StoreFact]
    public async Task CommitAsync_PruneAnchorPastTheHead_IsRejected()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 2), Cancellation);

        await AssertPruneRejectedAsync(store, await AnchorAtAsync(store, 2) with { Sequence = 9 }, "no record with the anchor's sequence and hash");

        Assert.Equal(2, (await ReadAllAsync(store)).Count);
    }

    [StoreFact]
    public async Task CommitAsync_PruneAnchorNotPastThePreviousOne_IsRejectedAndChangesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 4), Cancellation);
        var first = await AnchorAtAsync(store, 3);
        await store.CommitAsync(new StoreBatch(first), Cancellation);

        await AssertPruneRejectedAsync(store, first with { Archive = "again.jsonl" }, "already archived");

        Assert.Equal(first, await store.ReadPruneAnchorAsync(Cancellation));
        Assert.Equal([4L], (await ReadAllAsync(store)).Select(r => r.Sequence));
    }

    [StoreFact]
    public async Task ReadAuditAsync_AfterPrune_QueriesAnswerFromTheRemainingRecords()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 6), Cancellation);
        await store.CommitAsync(new StoreBatch(await AnchorAtAsync(store, 3)), Cancellation);

        Assert.Empty(await ReadAllAsync(store, new AuditQuery { User = "https://login.acme.example|user-2" }));
        Assert.Equal([5L], (await ReadAllAsync(store, new AuditQuery { User = "https://login.acme.example|user-5" })).Select(r => r.Sequence));
        Assert.Equal([4L, 6], (await ReadAllAsync(store, new AuditQuery { Tenant = "tenant-0" })).Select(r => r.Sequence));
        Assert.Equal([6L], (await ReadAllAsync(store, new AuditQuery { Jti = "jti-6" })).Select(r => r.Sequence));
        Assert.Equal([5L, 6], (await ReadAllAsync(store, new AuditQuery { AfterSequence = 4 })).Select(r => r.Sequence));
    }

    private async Task<AuditPruneAnchor> AnchorAtAsync(IMandateStore store, long sequence)
    {
        var record = (await ReadAllAsync(store)).Single(r => r.Sequence == sequence);
        return new AuditPruneAnchor(sequence, record.Hash, $"{{\"sequence\":{sequence}}}", $"/archives/audit-{sequence}.jsonl", StoreTestData.Epoch.AddDays(1));
    }

    private async Task AssertPruneRejectedAsync(IMandateStore store, AuditPruneAnchor anchor, string why)
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => store.CommitAsync(new StoreBatch(anchor, StoreTestData.Event(99, kind: RetentionAuditKinds.AuditArchived)), Cancellation));
        Assert.Equal(StoreFailureCause.Rejected, error.Cause);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await ReadAllAsync(store), r => r.Event.Kind == RetentionAuditKinds.AuditArchived);
    }
}
