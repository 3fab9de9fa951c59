using Mandate.Core.Approvals;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>Finding an approval again by what it is bound to (a retried MCP tool call).</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task FindApprovalByBinding_NoneBound_ReturnsNull()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1")), Cancellation);

        Assert.Null(await store.FindApprovalByBindingAsync("other-binding", Cancellation));
    }

    [StoreFact]
    public async Task FindApprovalByBinding_SeveralBound_ReturnsTheNewest_WhateverItsStatus()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(
                Approval("a1") with { BindingHash = "call-1" },
                Approval("a2") with { BindingHash = "call-1", CreatedAt = StoreTestData.Epoch.AddSeconds(2) },
                Approval("a3") with { BindingHash = "call-2", CreatedAt = StoreTestData.Epoch.AddSeconds(3) }),
            Cancellation);
        await store.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = "a2", From = ApprovalStatus.Pending, To = ApprovalStatus.Denied, At = StoreTestData.Epoch.AddSeconds(4), Approver = "admin:carol" },
            [],
            Cancellation);

        var found = await store.FindApprovalByBindingAsync("call-1", Cancellation);

        Assert.Equal("a2", found!.Id);
        Assert.Equal(ApprovalStatus.Denied, found.Status);
        Assert.Equal("admin:carol", found.Approver);
        Assert.Equal("a3", (await store.FindApprovalByBindingAsync("call-2", Cancellation))!.Id);
    }

    [StoreFact]
    public async Task FindApprovalByBinding_ReadsBackEveryField()
    {
        await using var store = await CreateMigratedStoreAsync();
        var approval = Approval("a1") with { BindingHash = "call-1", User = null };
        await store.CommitAsync(new StoreBatch(approval), Cancellation);

        Assert.Equal(approval, await store.FindApprovalByBindingAsync("call-1", Cancellation));
    }

    [StoreFact]
    public async Task InsertApproval_IdentityIssuedAt_ReadsBackThroughEveryReadAndTransition()
    {
        await using var store = await CreateMigratedStoreAsync();
        var issuedAt = StoreTestData.Epoch.AddMinutes(-5);
        await store.CommitAsync(new StoreBatch(Approval("a1") with { BindingHash = "call-1", IdentityIssuedAt = issuedAt }), Cancellation);
        await store.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch.AddSeconds(4), Approver = "admin:carol" },
            [],
            Cancellation);

        Assert.Equal(issuedAt, (await store.GetApprovalAsync("a1", Cancellation))!.IdentityIssuedAt);
        Assert.Equal(issuedAt, Assert.Single(await store.ListApprovalsAsync(ApprovalStatus.Approved, 10, Cancellation)).IdentityIssuedAt);
        Assert.Equal(issuedAt, (await store.FindApprovalByBindingAsync("call-1", Cancellation))!.IdentityIssuedAt);
    }

    [StoreFact]
    public async Task InsertApproval_WithoutIdentityIssuedAt_ReadsBackNull()
    {
        // Approvals asked before the column existed (and those not asked with a user token) have none.
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1")), Cancellation);

        Assert.Null((await store.GetApprovalAsync("a1", Cancellation))!.IdentityIssuedAt);
    }

    [StoreFact]
    public async Task InsertApproval_SenderBinding_ReadsBackThroughEveryReadAndTransition()
    {
        await using var store = await CreateMigratedStoreAsync();
        const string bound = "jkt:0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
        await store.CommitAsync(new StoreBatch(Approval("a1") with { BindingHash = "call-1", SenderBinding = bound }, Approval("a2")), Cancellation);
        await store.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch.AddSeconds(4), Approver = "admin:carol" },
            [],
            Cancellation);

        Assert.Equal(bound, (await store.GetApprovalAsync("a1", Cancellation))!.SenderBinding);
        Assert.Equal(bound, Assert.Single(await store.ListApprovalsAsync(ApprovalStatus.Approved, 10, Cancellation)).SenderBinding);
        Assert.Equal(bound, (await store.FindApprovalByBindingAsync("call-1", Cancellation))!.SenderBinding);
        Assert.Null((await store.GetApprovalAsync("a2", Cancellation))!.SenderBinding);
    }
}
