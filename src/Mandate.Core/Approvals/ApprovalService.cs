using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Core.Approvals;

/// <summary>What a human does with a pending approval: approve or deny it, once, before it expires.</summary>
public sealed class ApprovalService
{
    private readonly IApprovalStore _store;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public ApprovalService(IApprovalStore store, MandateOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
    }

    /// <summary>Approves or denies; returns the approval after the change, or an error saying why it could not change.</summary>
    public async Task<(Approval? Approval, string? Error)> DecideAsync(string id, bool approve, string approver, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(approver);
        var approval = await _store.GetApprovalAsync(id, cancellationToken);
        if (approval is null)
        {
            return (null, $"no approval '{id}'; list them with `mandate approvals list`");
        }

        var now = _time.GetUtcNow();
        if (approval.Status != ApprovalStatus.Pending || approval.IsExpired(now))
        {
            var state = approval.IsExpired(now) ? "expired" : approval.Status.ToString().ToLowerInvariant();
            return (approval, $"approval '{id}' is {state}; only a pending approval can be decided (the agent must ask again)");
        }

        var to = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied;
        var changed = await _store.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = id, From = ApprovalStatus.Pending, To = to, At = now, Approver = approver, Reason = reason },
            [ApprovalAuditEvents.Decided(approval, to, approver, reason, now, _options.Node)],
            cancellationToken);
        if (!changed)
        {
            return (approval, $"approval '{id}' changed or expired meanwhile; it was not {(approve ? "approved" : "denied")}");
        }

        return (approval with { Status = to, Approver = approver, DecidedReason = reason, DecidedAt = now }, null);
    }
}
