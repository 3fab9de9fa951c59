using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Mcp;
using static Mandate.Core.Tests.Mcp.McpFixture;

namespace Mandate.Core.Tests.Mcp;

/// <summary>
/// Two nodes asked for the same tool call in the same instant: each looks for a pending approval, finds none, and would
/// record its own. The store inserts only when none is pending, so the second answers with the first one's approval.
/// </summary>
public sealed class McpApprovalRaceTests
{
    private static readonly McpToolCall LargeRefund = Call("refund", """{"amount":250,"order":"o-1"}""");

    [Fact]
    public async Task DecideAsync_AnotherNodeRecordedTheApprovalAfterTheLookup_AnsweredWithItAndOneApprovalRecorded()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var first = await f.DecideAsync(LargeRefund);
        var otherNode = new McpCallPolicy(f.Provider, new LookupBeforeTheOtherNodeCommitted(f.Store), f.Store, f.Store, f.Options, f.Clock);

        var second = await otherNode.DecideAsync(f.Caller, LargeRefund, CancellationToken.None);

        Assert.Equal(McpCallVerdict.ApprovalPending, second.Verdict);
        Assert.Equal(first.ApprovalId, second.ApprovalId);
        Assert.Single(await f.Store.ListApprovalsAsync(ApprovalStatus.Pending, 10, CancellationToken.None));
        Assert.Single(await f.AuditAsync(), r => r.Event.Kind == AuditKinds.ApprovalRequested);
    }

    /// <summary>The store as a node sees it when its first lookup ran just before another node's approval was committed.</summary>
    private sealed class LookupBeforeTheOtherNodeCommitted(IApprovalStore store) : IApprovalStore
    {
        private bool _looked;

        public Task<Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken)
        {
            if (_looked)
            {
                return store.FindApprovalByBindingAsync(bindingHash, cancellationToken);
            }

            _looked = true;
            return Task.FromResult<Approval?>(null);
        }

        public Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken) => store.GetApprovalAsync(id, cancellationToken);

        public Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken) =>
            store.ListApprovalsAsync(status, limit, cancellationToken);

        public Task<bool> TryInsertApprovalAsync(Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken) =>
            store.TryInsertApprovalAsync(approval, auditEvents, cancellationToken);

        public Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken) =>
            store.TryTransitionApprovalAsync(transition, auditEvents, cancellationToken);

        public Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken) =>
            store.TryTouchApprovalAsync(id, lastPolledAt, polledAt, cancellationToken);

        public Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken) => store.RaisePollIntervalAsync(id, seconds, cancellationToken);
    }
}
