using Mandate.Core.Approvals;
using Mandate.Core.Evidence;
using Mandate.Core.RateLimits;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>Rate counters, approvals and evidence.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task RateIncrements_AddUpPerKey_AndReadBack()
    {
        await using var store = await CreateMigratedStoreAsync();
        var keep = StoreTestData.Epoch.AddHours(1);
        await store.CommitAsync(new StoreBatch(new RateIncrement("r|user:a|0", keep), new RateIncrement("r|user:a|0", keep)), Cancellation);
        await store.CommitAsync(new StoreBatch(new RateIncrement("r|user:b|0", keep), StoreTestData.Event(1)), Cancellation);

        var counts = await store.ReadRateCountsAsync(["r|user:a|0", "r|user:b|0", "r|user:c|0"], Cancellation);

        Assert.Equal(2, counts["r|user:a|0"]);
        Assert.Equal(1, counts["r|user:b|0"]);
        Assert.False(counts.ContainsKey("r|user:c|0"));
    }

    [StoreFact]
    public async Task RateIncrements_InterleavedKeysInOneBatch_AddToExistingCounts()
    {
        await using var store = await CreateMigratedStoreAsync();
        var keep = StoreTestData.Epoch.AddHours(1);
        await store.CommitAsync(new StoreBatch(new RateIncrement("a", keep)), Cancellation);

        await store.CommitAsync(
            new StoreBatch(new RateIncrement("a", keep), StoreTestData.Event(1), new RateIncrement("b", keep), new RateIncrement("a", keep.AddHours(1)), new RateIncrement("a", keep)),
            Cancellation);

        var counts = await store.ReadRateCountsAsync(["a", "b"], Cancellation);
        Assert.Equal(4, counts["a"]);
        Assert.Equal(1, counts["b"]);
        Assert.Empty(await store.ReadRateCountsAsync([], Cancellation));
    }

    [StoreFact]
    public async Task RateIncrement_InAFailedBatch_CountsNothing()
    {
        await using var store = await CreateMigratedStoreAsync();
        var broken = StoreTestData.Key("k-broken") with { PublicJwk = null! };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(
            new StoreBatch(new RateIncrement("a", StoreTestData.Epoch), broken, StoreTestData.Event(1)), Cancellation));

        Assert.Empty(await store.ReadRateCountsAsync(["a"], Cancellation));
    }

    [StoreFact]
    public async Task Approval_InsertedTwice_IsRejected_NotAnOutage()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("areq-dup"), StoreTestData.Event(1)), Cancellation);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(new StoreBatch(Approval("areq-dup"), StoreTestData.Event(2)), Cancellation));

        // The group commit retries the other requests of a shared commit only for this cause.
        Assert.Equal(StoreFailureCause.Rejected, error.Cause);
    }

    [StoreFact]
    public async Task Approval_RoundTrips_AndTransitionsOnlyFromItsState()
    {
        await using var store = await CreateMigratedStoreAsync();
        var approval = Approval("areq-1");
        await store.CommitAsync(new StoreBatch(approval), Cancellation);

        Assert.Equal(approval, await store.GetApprovalAsync("areq-1", Cancellation));
        Assert.Null(await store.GetApprovalAsync("missing", Cancellation));

        var approve = new ApprovalTransition { Id = "areq-1", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch.AddMinutes(1), Approver = "admin:carol", Reason = "ok" };
        Assert.True(await store.TryTransitionApprovalAsync(approve, [StoreTestData.Event(1)], Cancellation));
        Assert.False(await store.TryTransitionApprovalAsync(approve, [StoreTestData.Event(2)], Cancellation));

        var consume = new ApprovalTransition { Id = "areq-1", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = StoreTestData.Epoch.AddMinutes(2), Jti = "jti-9" };
        Assert.True(await store.TryTransitionApprovalAsync(consume, [StoreTestData.Event(3)], Cancellation));
        Assert.False(await store.TryTransitionApprovalAsync(consume, [StoreTestData.Event(4)], Cancellation));

        var stored = await store.GetApprovalAsync("areq-1", Cancellation);
        Assert.Equal(ApprovalStatus.Consumed, stored!.Status);
        Assert.Equal("admin:carol", stored.Approver);
        Assert.Equal("jti-9", stored.Jti);

        // Only the successful transitions appended their audit events.
        Assert.Equal(2, (await ReadAllAsync(store)).Count);
    }

    [StoreFact]
    public async Task ExpiredPendingApproval_CannotBeDecided()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("areq-2")), Cancellation);

        var late = new ApprovalTransition { Id = "areq-2", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch.AddMinutes(11), Approver = "admin:carol" };

        Assert.False(await store.TryTransitionApprovalAsync(late, [], Cancellation));
    }

    [StoreFact]
    public async Task ListApprovals_FiltersByStatus_NewestFirst_AndTouchRecordsPolls()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1"), Approval("a2") with { CreatedAt = StoreTestData.Epoch.AddSeconds(1) }), Cancellation);
        await store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Denied, At = StoreTestData.Epoch, Approver = "x" }, [], Cancellation);
        Assert.True(await store.TryTouchApprovalAsync("a2", null, StoreTestData.Epoch.AddSeconds(5), Cancellation));

        var all = await store.ListApprovalsAsync(null, 10, Cancellation);
        var pending = await store.ListApprovalsAsync(ApprovalStatus.Pending, 10, Cancellation);

        Assert.Equal(["a2", "a1"], all.Select(a => a.Id));
        Assert.Equal("a2", Assert.Single(pending).Id);
        Assert.Equal(StoreTestData.Epoch.AddSeconds(5), pending[0].LastPolledAt);
    }

    [StoreFact]
    public async Task LatestEvidence_IsTheNewestPerKind()
    {
        await using var store = await CreateMigratedStoreAsync();
        EvidenceRecord Record(string id, string kind, string result, int second) => new()
        {
            Id = id, Kind = kind, Subject = "acme/shop@4f2a", Result = result, PostedBy = "ci", Issuer = "https://ci", PostedAt = StoreTestData.Epoch.AddSeconds(second),
        };
        await store.CommitAsync(new StoreBatch(Record("e1", "eval", "pass", 1), Record("e2", "eval", "fail", 2), Record("e3", "lint", "pass", 1)), Cancellation);

        var latest = await store.LatestEvidenceAsync("acme/shop@4f2a", Cancellation);

        Assert.Equal("fail", Assert.Single(latest, e => e.Kind == "eval").Result);
        Assert.Equal("pass", Assert.Single(latest, e => e.Kind == "lint").Result);
        Assert.Empty(await store.LatestEvidenceAsync("other", Cancellation));
    }

    private static Approval Approval(string id) => new()
    {
        Id = id,
        Status = ApprovalStatus.Pending,
        Agent = "spiffe://acme.example/agents/support",
        Run = "run-1",
        Tool = "refunds",
        Tenant = "acme",
        User = "alice",
        Scope = "refunds:write",
        AuthorizationDetails = """[{"amount":250,"type":"refund"}]""",
        BindingHash = "ab12",
        BindingMessage = "agent wants a refund",
        Rule = "big-refunds",
        PolicyVersion = "sha256:9f2c",
        DecisionId = "dec-1",
        LifetimeSeconds = 300,
        CreatedAt = StoreTestData.Epoch,
        ExpiresAt = StoreTestData.Epoch.AddMinutes(10),
    };
}
