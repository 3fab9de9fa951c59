using Mandate.Core.Approvals;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>Withdrawing an approval that can never be collected: a terminal status every backend stores and lists.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task ApprovalWithdrawn_FromPendingOrApproved_StoredListedAndTerminal()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1"), Approval("a2"), Approval("a3")), Cancellation);
        var at = StoreTestData.Epoch.AddMinutes(1);
        await store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a2", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = at, Approver = "admin:carol" }, [], Cancellation);

        Assert.True(await store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Withdrawn, At = at }, [StoreTestData.Event(1)], Cancellation));
        Assert.True(await store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a2", From = ApprovalStatus.Approved, To = ApprovalStatus.Withdrawn, At = at }, [StoreTestData.Event(2)], Cancellation));

        // Terminal: a withdrawn approval is no longer pending, so it can be neither decided nor consumed.
        var approve = new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = at, Approver = "admin:carol" };
        Assert.False(await store.TryTransitionApprovalAsync(approve, [StoreTestData.Event(3)], Cancellation));
        Assert.False(await store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a2", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = at }, [], Cancellation));

        Assert.Equal(["a1", "a2"], (await store.ListApprovalsAsync(ApprovalStatus.Withdrawn, 10, Cancellation)).Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ApprovalStatus.Withdrawn, (await store.GetApprovalAsync("a1", Cancellation))!.Status);
        Assert.Equal("admin:carol", (await store.GetApprovalAsync("a2", Cancellation))!.Approver);
        Assert.Equal(ApprovalStatus.Pending, (await store.GetApprovalAsync("a3", Cancellation))!.Status);
        Assert.Equal(2, (await ReadAllAsync(store)).Count);
    }
}
