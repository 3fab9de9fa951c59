using Mandate.Core.Approvals;
using Mandate.Core.RateLimits;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// An approved credential's rate counters: stored with the approval when it is asked, and moved by the collecting
/// transition in the same transaction as its audit record, only when the transition applies.
/// </summary>
public abstract partial class StoreContractTests
{
    private const string StoredIncrements = """[{"key":"big-refunds|user:alice|0","keep_until":"1970-01-01T01:00:00+00:00"}]""";

    [StoreFact]
    public async Task InsertApproval_RateIncrements_ReadBackThroughEveryReadAndBothInserts_NullStaysNull()
    {
        await using var store = await CreateMigratedStoreAsync();
        var asked = Approval("a1") with { BindingHash = "call-1", RateIncrements = StoredIncrements };
        var conditional = Approval("a3") with { BindingHash = "call-3", RateIncrements = StoredIncrements };
        await store.CommitAsync(new StoreBatch(asked, Approval("a2")), Cancellation);
        Assert.True(await store.TryInsertApprovalAsync(conditional, [], Cancellation));

        Assert.Equal(asked, await store.GetApprovalAsync("a1", Cancellation));
        Assert.Equal(asked, await store.FindApprovalByBindingAsync("call-1", Cancellation));
        Assert.Equal(conditional, await store.GetApprovalAsync("a3", Cancellation));
        Assert.Equal(StoredIncrements, (await store.ListApprovalsAsync(ApprovalStatus.Pending, 10, Cancellation)).Single(a => a.Id == "a1").RateIncrements);
        Assert.Null((await store.GetApprovalAsync("a2", Cancellation))!.RateIncrements);
    }

    [StoreFact]
    public async Task TryTransitionApprovalAsync_WithRateIncrements_CommitsTheCountersWithTheTransitionAndItsRecord()
    {
        await using var store = await CreateMigratedStoreAsync();
        var keep = StoreTestData.Epoch.AddHours(1);
        await store.CommitAsync(new StoreBatch(Approval("a1") with { Status = ApprovalStatus.Approved }, new RateIncrement("shared", keep)), Cancellation);
        var consume = new ApprovalTransition
        {
            Id = "a1", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = StoreTestData.Epoch.AddMinutes(1), Jti = "jti-1",
            RateIncrements = [new RateIncrement("shared", keep), new RateIncrement("delegator", keep), new RateIncrement("shared", keep)],
        };

        Assert.True(await store.TryTransitionApprovalAsync(consume, [StoreTestData.Event(1)], Cancellation));

        var counts = await store.ReadRateCountsAsync(["shared", "delegator"], Cancellation);
        Assert.Equal((3L, 1L), (counts["shared"], counts["delegator"]));
        Assert.Equal(ApprovalStatus.Consumed, (await store.GetApprovalAsync("a1", Cancellation))!.Status);
        Assert.Single(await ReadAllAsync(store));
    }

    [StoreFact]
    public async Task TryTransitionApprovalAsync_RefusedWithRateIncrements_MovesNoCounterAndWritesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();
        var keep = StoreTestData.Epoch.AddHours(1);
        await store.CommitAsync(new StoreBatch(Approval("a1")), Cancellation);
        var consume = new ApprovalTransition
        {
            Id = "a1", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = StoreTestData.Epoch.AddMinutes(1),
            RateIncrements = [new RateIncrement("k", keep)],
        };
        var unknown = consume with { Id = "missing" };

        Assert.False(await store.TryTransitionApprovalAsync(consume, [StoreTestData.Event(1)], Cancellation));
        Assert.False(await store.TryTransitionApprovalAsync(unknown, [StoreTestData.Event(2)], Cancellation));

        Assert.Empty(await store.ReadRateCountsAsync(["k"], Cancellation));
        Assert.Empty(await ReadAllAsync(store));
        Assert.Equal(ApprovalStatus.Pending, (await store.GetApprovalAsync("a1", Cancellation))!.Status);
    }

    [StoreFact]
    public async Task TryTransitionApprovalAsync_SameCollectionTwice_CountsOnce()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1") with { Status = ApprovalStatus.Approved }), Cancellation);
        var consume = new ApprovalTransition
        {
            Id = "a1", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = StoreTestData.Epoch.AddMinutes(1),
            RateIncrements = [new RateIncrement("k", StoreTestData.Epoch.AddHours(1))],
        };

        Assert.True(await store.TryTransitionApprovalAsync(consume, [StoreTestData.Event(1)], Cancellation));
        Assert.False(await store.TryTransitionApprovalAsync(consume, [StoreTestData.Event(2)], Cancellation));

        Assert.Equal(1, (await store.ReadRateCountsAsync(["k"], Cancellation))["k"]);
        Assert.Single(await ReadAllAsync(store));
    }
}
