using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>The revocation change cursor: how a node follows revocations recorded or lifted through any other.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task ReadRevocationChangesAsync_FromZero_ReturnsEveryRevocationOldestChangeFirst_ExpiredIncluded()
    {
        await using var store = await CreateMigratedStoreAsync();
        var expired = StoreTestData.Revocation("rev-old", keepHours: 1) with { KeepUntil = StoreTestData.Epoch.AddTicks(1) };
        await store.CommitAsync(new StoreBatch(expired, StoreTestData.Event(1)), Cancellation);
        await store.CommitAsync(new StoreBatch(StoreTestData.Revocation("rev-b"), StoreTestData.Revocation("rev-a", RevocationTarget.Run, "run-1")), Cancellation);

        var changes = await store.ReadRevocationChangesAsync(0, 100, Cancellation);

        Assert.Equal(["rev-old", "rev-b", "rev-a"], changes.Select(c => c.Revocation.Id));
        Assert.Equal(expired, changes[0].Revocation);
        Assert.Equal(StoreTestData.Revocation("rev-a", RevocationTarget.Run, "run-1"), changes[2].Revocation);
        Assert.All(changes, c => Assert.True(c.Cursor > 0));
        Assert.Equal(changes.Select(c => c.Cursor).Order(), changes.Select(c => c.Cursor));
        Assert.Equal(3, changes.Select(c => c.Cursor).Distinct().Count());
        Assert.Empty(await store.ListRevocationsAsync(StoreTestData.Epoch.AddHours(2), Cancellation));
    }

    [StoreFact]
    public async Task ReadRevocationChangesAsync_After_LeavesOutWhatWasAlreadyRead()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(StoreTestData.Revocation("rev-1"), StoreTestData.Revocation("rev-2")), Cancellation);
        var first = await store.ReadRevocationChangesAsync(0, 100, Cancellation);

        await store.CommitAsync(new StoreBatch(StoreTestData.Revocation("rev-3")), Cancellation);
        var next = await store.ReadRevocationChangesAsync(first[^1].Cursor, 100, Cancellation);

        Assert.Equal("rev-3", Assert.Single(next).Revocation.Id);
        Assert.True(next[0].Cursor > first[^1].Cursor);
        Assert.Equal(["rev-2", "rev-3"], (await store.ReadRevocationChangesAsync(first[0].Cursor, 100, Cancellation)).Select(c => c.Revocation.Id));
        Assert.Empty(await store.ReadRevocationChangesAsync(next[0].Cursor, 100, Cancellation));
    }

    [StoreFact]
    public async Task ReadRevocationChangesAsync_Limit_PagesInChangeOrder()
    {
        await using var store = await CreateMigratedStoreAsync();
        for (var i = 1; i <= 5; i++)
        {
            await store.CommitAsync(new StoreBatch(StoreTestData.Revocation($"rev-{i}")), Cancellation);
        }

        var pages = new List<string[]>();
        long after = 0;
        while (await store.ReadRevocationChangesAsync(after, 2, Cancellation) is { Count: > 0 } page)
        {
            pages.Add([.. page.Select(c => c.Revocation.Id)]);
            after = page[^1].Cursor;
        }

        Assert.Equal([["rev-1", "rev-2"], ["rev-3", "rev-4"], ["rev-5"]], pages);
    }

    [StoreFact]
    public async Task ReadRevocationChangesAsync_Lifted_ComesAgainWithLargerCursorAndLiftedAt()
    {
        await using var store = await CreateMigratedStoreAsync();
        var kill = StoreTestData.Revocation("rev-agent", RevocationTarget.Agent, "spiffe://acme.example/agents/x", keepHours: 24);
        await store.CommitAsync(new StoreBatch(kill), Cancellation);
        await store.CommitAsync(new StoreBatch(StoreTestData.Revocation("rev-other")), Cancellation);
        var before = await store.ReadRevocationChangesAsync(0, 100, Cancellation);

        var lifted = kill with { LiftedAt = StoreTestData.Epoch.AddHours(1), KeepUntil = StoreTestData.Epoch.AddHours(2) };
        await store.CommitAsync(new StoreBatch(lifted, StoreTestData.Event(1)), Cancellation);

        var after = await store.ReadRevocationChangesAsync(before[^1].Cursor, 100, Cancellation);
        var change = Assert.Single(after);
        Assert.Equal(lifted, change.Revocation);
        Assert.Equal(lifted.LiftedAt!.Value.UtcTicks, change.Revocation.LiftedAt!.Value.UtcTicks);
        Assert.True(change.Cursor > before[^1].Cursor);

        // From the start, the lifted revocation appears once, at its new place.
        Assert.Equal(["rev-other", "rev-agent"], (await store.ReadRevocationChangesAsync(0, 100, Cancellation)).Select(c => c.Revocation.Id));
    }

    [StoreFact]
    public async Task ReadRevocationChangesAsync_RetriedOrReliftedRevocation_MakesNoNewChange()
    {
        await using var store = await CreateMigratedStoreAsync();
        var kill = StoreTestData.Revocation("rev-agent", RevocationTarget.Agent, "spiffe://acme.example/agents/x", keepHours: 24);
        var token = StoreTestData.Revocation("rev-token");
        await store.CommitAsync(new StoreBatch(kill, token), Cancellation);
        var lifted = kill with { LiftedAt = StoreTestData.Epoch.AddHours(1) };
        await store.CommitAsync(new StoreBatch(lifted), Cancellation);
        var before = await store.ReadRevocationChangesAsync(0, 100, Cancellation);

        await store.CommitAsync(new StoreBatch(token), Cancellation);
        await store.CommitAsync(new StoreBatch(token with { Reason = "retried" }), Cancellation);
        await store.CommitAsync(new StoreBatch(lifted with { LiftedAt = StoreTestData.Epoch.AddHours(3) }), Cancellation);

        Assert.Empty(await store.ReadRevocationChangesAsync(before[^1].Cursor, 100, Cancellation));
        Assert.Equal(before, await store.ReadRevocationChangesAsync(0, 100, Cancellation));
    }

    [StoreFact]
    public async Task ReadRevocationChangesAsync_FailedBatch_MakesNoChange()
    {
        await using var store = await CreateMigratedStoreAsync();
        var broken = StoreTestData.Key("k-broken") with { PublicJwk = null! };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(new StoreBatch(StoreTestData.Revocation("rev-1"), broken), Cancellation));

        Assert.Empty(await store.ReadRevocationChangesAsync(0, 100, Cancellation));
    }

    [StoreFact]
    public async Task ReadRevocationChangesAsync_EmptyStore_ReturnsNothing()
    {
        await using var store = await CreateMigratedStoreAsync();

        Assert.Empty(await store.ReadRevocationChangesAsync(0, 10_000, Cancellation));
    }

    [StoreTheory]
    [InlineData(0, 0)]
    [InlineData(0, -1)]
    [InlineData(0, 10_001)]
    [InlineData(-1, 10)]
    public async Task ReadRevocationChangesAsync_OutOfRange_Throws(long after, int limit)
    {
        await using var store = await CreateMigratedStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadRevocationChangesAsync(after, limit, Cancellation));
    }
}
