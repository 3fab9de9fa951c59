using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>Finding an approval again by what it is bound to (a retried token request or MCP tool call), on any node.</summary>
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
    public async Task FindApprovalByBinding_TwoAskedAtTheSameInstant_ReturnsTheGreatestId()
    {
        // Two nodes that raced to ask for the same call then agree on which one every retry is answered with.
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("areq_b") with { BindingHash = "call-1" }, Approval("areq_a") with { BindingHash = "call-1" }), Cancellation);

        Assert.Equal("areq_b", (await store.FindApprovalByBindingAsync("call-1", Cancellation))!.Id);
    }

    [StoreFact]
    public async Task FindApprovalByBinding_RepeatRecorded_ApprovalStillPendingAndUnchanged()
    {
        // A retried token request records only its audit events: the pending approval it is answered with stays as it was.
        await using var store = await CreateMigratedStoreAsync();
        var approval = Approval("a1") with { BindingHash = "call-1" };
        await store.CommitAsync(new StoreBatch(approval, ApprovalAuditEvents.Requested(approval, "node-a")), Cancellation);

        await store.CommitAsync(new StoreBatch(ApprovalAuditEvents.Repeated(approval, "dec_retry", StoreTestData.Epoch.AddSeconds(30), "node-b")), Cancellation);

        Assert.Equal(approval, await store.FindApprovalByBindingAsync("call-1", Cancellation));
        var requested = (await ReadAllAsync(store)).Where(r => r.Event.Kind == AuditKinds.ApprovalRequested).ToList();
        Assert.Equal(["pending", "repeated"], requested.Select(r => r.Event.Outcome));
        Assert.Equal("dec_retry", requested[1].Event.Evidence["repeated_decision_id"]);
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

    [StoreFact]
    public async Task InsertApproval_UserIssuer_ReadsBackThroughEveryRead_NullStaysNull()
    {
        await using var store = await CreateMigratedStoreAsync();
        var asked = Approval("a1") with { BindingHash = "call-1", UserIssuer = "https://idp.acme.example" };
        await store.CommitAsync(new StoreBatch(asked, Approval("a2")), Cancellation);

        Assert.Equal(asked, await store.GetApprovalAsync("a1", Cancellation));
        Assert.Equal(asked, await store.FindApprovalByBindingAsync("call-1", Cancellation));
        Assert.Equal("https://idp.acme.example", (await store.ListApprovalsAsync(ApprovalStatus.Pending, 10, Cancellation)).Single(a => a.Id == "a1").UserIssuer);
        Assert.Null((await store.GetApprovalAsync("a2", Cancellation))!.UserIssuer);
    }

    [StoreFact]
    public async Task InsertApproval_RuleAgent_ReadsBackThroughEveryReadAndBothInserts_NullStaysNull()
    {
        await using var store = await CreateMigratedStoreAsync();
        var asked = Approval("a1") with { BindingHash = "call-1", RuleAgent = "spiffe://acme.example/agents/supervisor" };
        var conditional = Approval("a3") with { BindingHash = "call-3", RuleAgent = "spiffe://acme.example/agents/supervisor" };
        await store.CommitAsync(new StoreBatch(asked, Approval("a2")), Cancellation);
        Assert.True(await store.TryInsertApprovalAsync(conditional, [], Cancellation));

        Assert.Equal(asked, await store.GetApprovalAsync("a1", Cancellation));
        Assert.Equal(asked, await store.FindApprovalByBindingAsync("call-1", Cancellation));
        Assert.Equal(conditional, await store.GetApprovalAsync("a3", Cancellation));
        Assert.Equal(asked.RuleAgent, (await store.ListApprovalsAsync(ApprovalStatus.Pending, 10, Cancellation)).Single(a => a.Id == "a1").RuleAgent);
        var own = (await store.GetApprovalAsync("a2", Cancellation))!;
        Assert.Equal((null, own.Agent), (own.RuleAgent, own.AskedBy));
    }
}
