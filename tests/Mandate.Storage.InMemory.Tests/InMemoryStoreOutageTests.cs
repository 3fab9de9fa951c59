using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.InMemory.Tests;

/// <summary>The simulated outage and the store's own lifecycle.</summary>
public sealed class InMemoryStoreOutageTests
{
    private static CancellationToken Cancellation => CancellationToken.None;

    [Fact]
    public async Task CommitAsync_Unavailable_ThrowsWithCauseAndWritesNothing()
    {
        await using var store = new InMemoryMandateStore { Unavailable = true, UnavailableCause = StoreFailureCause.DiskFull };

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(StoreTestData.Events(1, 2), Cancellation));

        Assert.Equal(StoreFailureCause.DiskFull, failure.Cause);
        store.Unavailable = false;
        Assert.Empty(await ReadAllAsync(store));
        Assert.Equal(0, store.CommitCount);
    }

    [Fact]
    public async Task Reads_Unavailable_Throw()
    {
        await using var store = new InMemoryMandateStore { Unavailable = true };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListKeysAsync("token-signing", Cancellation));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetApprovalAsync("a", Cancellation));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.TryTouchApprovalAsync("a", null, StoreTestData.Epoch, Cancellation));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RaisePollIntervalAsync("a", 10, Cancellation));
        Assert.Throws<StoreUnavailableException>(() => store.ReadAuditAsync(new AuditQuery(), Cancellation));
    }

    [Fact]
    public async Task CommitAsync_OutageEnds_ChainContinuesWhereItStopped()
    {
        await using var store = new InMemoryMandateStore();
        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);
        store.Unavailable = true;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(StoreTestData.Events(2, 1), Cancellation));

        store.Unavailable = false;
        await store.CommitAsync(StoreTestData.Events(3, 1), Cancellation);

        Assert.Equal([1L, 2], (await ReadAllAsync(store)).Select(r => r.Sequence));
        Assert.True((await AuditVerifier.VerifyAsync(store, null, Cancellation)).IsValid);
    }

    [Fact]
    public async Task CommitAsync_OutageThenRecovery_ReportsOneFailureAndOneRecoveryToHealth()
    {
        var health = new StoreHealth(TimeProvider.System);
        var changes = new List<StoreHealthChange>();
        health.Changed += (_, change) => changes.Add(change);
        await using var store = new InMemoryMandateStore(health) { Unavailable = true, UnavailableCause = StoreFailureCause.Locked };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(StoreTestData.Events(1, 1), Cancellation));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(StoreTestData.Events(1, 1), Cancellation));
        store.Unavailable = false;
        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);

        Assert.Equal([(false, StoreFailureCause.Locked), (true, StoreFailureCause.Unknown)], changes.Select(c => (c.Healthy, c.Cause)));
    }

    [Fact]
    public async Task CommitAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var store = new InMemoryMandateStore();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync(StoreTestData.Events(1, 1), Cancellation));
    }

    [Fact]
    public async Task ReadAuditAsync_SnapshotTakenAtCall_LaterCommitsNotSeen()
    {
        await using var store = new InMemoryMandateStore();
        await store.CommitAsync(StoreTestData.Events(1, 2), Cancellation);
        var reading = store.ReadAuditAsync(new AuditQuery(), Cancellation);

        await store.CommitAsync(StoreTestData.Events(3, 2), Cancellation);

        var seen = new List<long>();
        await foreach (var record in reading)
        {
            seen.Add(record.Sequence);
        }

        Assert.Equal([1L, 2], seen);
    }

    private static async Task<List<AuditRecord>> ReadAllAsync(InMemoryMandateStore store)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery(), Cancellation))
        {
            records.Add(record);
        }

        return records;
    }
}
