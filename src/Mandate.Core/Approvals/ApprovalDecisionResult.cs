namespace Mandate.Core.Approvals;

/// <summary>
/// What approving or denying did: the approval after the change, or (with <see cref="Error"/>) the approval as it
/// stands and why it was not changed. Null <see cref="Approval"/>: no approval has the id.
/// </summary>
public sealed record ApprovalDecisionResult(Approval? Approval, string? Error)
{
    /// <summary>
    /// The refusal's own check id, when it has one: <c>approval.withdrawn</c> (<see cref="ApprovalChecks.Withdrawn"/>) when
    /// the approval is withdrawn, also by this very attempt to approve it; <c>approval.policy_changed</c>
    /// (<see cref="ApprovalChecks.PolicyChanged"/>) when this attempt withdrew it because a policy reload dropped or changed
    /// its rule; the registration check that refused approving it (<c>resolve.tool_undeclared</c>, …), the approval left
    /// pending. Null otherwise.
    /// </summary>
    public string? CheckId { get; init; }
}
