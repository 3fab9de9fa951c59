using Mandate.Core.Approvals;
using Mandate.Core.Audit;

namespace Mandate.Server.Telemetry;

/// <summary>
/// The approval store with one addition, like <see cref="AuditSpanTagging"/> for the unit of work: an approval's
/// conditional insert (asked for by a token request) and transition (approved or denied by a person, consumed by the
/// issuance it allows) commit their audit records in the store's own transaction, so they are described on the request's Mandate span here. Registered only while
/// telemetry is on.
/// </summary>
internal sealed class ApprovalSpanTagging : IApprovalStore
{
    private readonly IApprovalStore _inner;

    public ApprovalSpanTagging(IApprovalStore inner) => _inner = inner;

    public Task<bool> TryInsertApprovalAsync(Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        MandateSpan.DescribeOnRecording(auditEvents);
        return _inner.TryInsertApprovalAsync(approval, auditEvents, cancellationToken);
    }

    public async Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        MandateSpan.DescribeOnRecording(auditEvents);
        var changed = await _inner.TryTransitionApprovalAsync(transition, auditEvents, cancellationToken);
        if (changed)
        {
            // Counted once the decision is durable: a transition that lost a race decided nothing.
            RequestMetrics.CountDecided(auditEvents);
        }

        return changed;
    }

    public Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken) => _inner.GetApprovalAsync(id, cancellationToken);

    public Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken) =>
        _inner.ListApprovalsAsync(status, limit, cancellationToken);

    public Task<Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken) =>
        _inner.FindApprovalByBindingAsync(bindingHash, cancellationToken);

    public Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken) =>
        _inner.TryTouchApprovalAsync(id, lastPolledAt, polledAt, cancellationToken);

    public Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken) =>
        _inner.RaisePollIntervalAsync(id, seconds, cancellationToken);
}
