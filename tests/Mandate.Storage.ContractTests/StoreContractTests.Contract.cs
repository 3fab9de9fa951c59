using Mandate.Core.Approvals;
using Mandate.Core.Evidence;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>The rest of the contract: descriptions, conditional and forward-only updates, duplicate ids.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Description_IsNotEmpty()
    {
        await using var store = await CreateMigratedStoreAsync();

        Assert.False(string.IsNullOrWhiteSpace(store.Description));
    }

    [StoreFact]
    public async Task CommitAsync_RevocationLifted_UpdatesLiftAndRetentionOnce()
    {
        await using var store = await CreateMigratedStoreAsync();
        var kill = StoreTestData.Revocation("rev-agent", RevocationTarget.Agent, "spiffe://acme.example/agents/x", keepHours: 24);
        await store.CommitAsync(new StoreBatch(kill), Cancellation);

        var lifted = kill with { LiftedAt = StoreTestData.Epoch.AddHours(1), KeepUntil = StoreTestData.Epoch.AddHours(2), Reason = "changed" };
        await store.CommitAsync(new StoreBatch(lifted), Cancellation);
        await store.CommitAsync(new StoreBatch(kill with { LiftedAt = StoreTestData.Epoch.AddHours(5), KeepUntil = StoreTestData.Epoch.AddHours(9) }), Cancellation);

        var read = Assert.Single(await store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation));
        Assert.Equal(kill with { LiftedAt = lifted.LiftedAt, KeepUntil = lifted.KeepUntil }, read);
        Assert.Empty(await store.ListRevocationsAsync(StoreTestData.Epoch.AddHours(2), Cancellation));
    }

    [StoreFact]
    public async Task TryTransitionApprovalAsync_Changed_ChainsItsEventsAfterTheTail()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 2).Append(Approval("areq-1")), Cancellation);
        var approve = new ApprovalTransition { Id = "areq-1", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch.AddMinutes(1), Approver = "admin:carol" };

        Assert.True(await store.TryTransitionApprovalAsync(approve, [StoreTestData.Event(3), StoreTestData.Event(4)], Cancellation));

        var records = await ReadAllAsync(store);
        Assert.Equal([1L, 2, 3, 4], records.Select(r => r.Sequence));
        Assert.True((await Core.Audit.AuditVerifier.VerifyAsync(store, null, Cancellation)).IsValid);
        var stored = await store.GetApprovalAsync("areq-1", Cancellation);
        Assert.Equal(approve.At, stored?.DecidedAt);
    }

    [StoreFact]
    public async Task TryTransitionApprovalAsync_UnknownId_ReturnsFalseAndWritesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();
        var transition = new ApprovalTransition { Id = "missing", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch };

        Assert.False(await store.TryTransitionApprovalAsync(transition, [StoreTestData.Event(1)], Cancellation));
        Assert.False(await store.TryTouchApprovalAsync("missing", null, StoreTestData.Epoch, Cancellation));
        await store.RaisePollIntervalAsync("missing", 10, Cancellation);

        Assert.Empty(await ReadAllAsync(store));
        Assert.Null(await store.GetApprovalAsync("missing", Cancellation));
    }

    [StoreFact]
    public async Task ListApprovalsAsync_Limit_TakesTheNewest()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(Approval("a1"), Approval("a2") with { CreatedAt = StoreTestData.Epoch.AddSeconds(2) }, Approval("a3") with { CreatedAt = StoreTestData.Epoch.AddSeconds(1) }),
            Cancellation);

        Assert.Equal(["a2", "a3"], (await store.ListApprovalsAsync(null, 2, Cancellation)).Select(a => a.Id));
        Assert.Equal(["a2"], (await store.ListApprovalsAsync(null, 0, Cancellation)).Select(a => a.Id));
    }

    [StoreFact]
    public async Task CommitAsync_NewApprovalCarryingDecision_StoresItUndecided()
    {
        await using var store = await CreateMigratedStoreAsync();
        var decided = Approval("a1") with { Approver = "admin:mallory", DecidedAt = StoreTestData.Epoch, Jti = "jti-x", LastPolledAt = StoreTestData.Epoch, PollIntervalSeconds = 30 };

        await store.CommitAsync(new StoreBatch(decided), Cancellation);

        Assert.Equal(Approval("a1"), await store.GetApprovalAsync("a1", Cancellation));
    }

    [StoreFact]
    public async Task CommitAsync_DuplicateApprovalOrEvidenceId_WritesNothingOfTheBatch()
    {
        await using var store = await CreateMigratedStoreAsync();
        var evidence = new EvidenceRecord { Id = "e1", Kind = "eval", Subject = "s", Result = "pass", PostedBy = "ci", Issuer = "https://ci", PostedAt = StoreTestData.Epoch };
        await store.CommitAsync(new StoreBatch(Approval("a1"), evidence), Cancellation);

        await Assert.ThrowsAnyAsync<Exception>(() => store.CommitAsync(StoreTestData.Events(1, 1).Append(Approval("a1")), Cancellation));
        await Assert.ThrowsAnyAsync<Exception>(() => store.CommitAsync(StoreTestData.Events(1, 1).Append(evidence with { Result = "fail" }), Cancellation));

        Assert.Empty(await ReadAllAsync(store));
        Assert.Equal("pass", Assert.Single(await store.LatestEvidenceAsync("s", Cancellation)).Result);
    }

    [StoreFact]
    public async Task CommitAsync_UnknownChangeType_ThrowsAndWritesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(StoreTestData.Events(1, 1).Append(StoreTestData.Revocation("rev-1"), new UnknownChange()), Cancellation));

        Assert.Empty(await ReadAllAsync(store));
        Assert.Empty(await store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation));
    }

    [StoreFact]
    public async Task CommitAsync_AuditEventsFirstInBatch_StillChainedInTheirOrder()
    {
        await using var store = await CreateMigratedStoreAsync();

        await store.CommitAsync(new StoreBatch(StoreTestData.Event(1), StoreTestData.Key("k1"), StoreTestData.Event(2), StoreTestData.Revocation("rev-1"), StoreTestData.Event(3)), Cancellation);

        Assert.Equal(["jti-1", "jti-2", "jti-3"], (await ReadAllAsync(store)).Select(r => r.Event.Jti));
        Assert.Single(await store.ListKeysAsync("token-signing", Cancellation));
    }

    [StoreFact]
    public void Combine_SeveralBatches_ConcatenatesChangesInOrder()
    {
        var first = StoreTestData.Events(1, 2);
        var second = new StoreBatch(StoreTestData.Revocation("rev-1"), StoreTestData.Event(3));

        var combined = StoreBatch.Combine([first, StoreBatch.Empty, second]);

        Assert.Equal([.. first.Changes, .. second.Changes], combined.Changes);
        Assert.Equal(["jti-1", "jti-2", "jti-3"], combined.Of<Core.Audit.AuditEvent>().Select(e => e.Jti));
    }

    private sealed record UnknownChange : IStoreChange;
}
