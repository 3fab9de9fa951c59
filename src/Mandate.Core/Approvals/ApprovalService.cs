using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Issuance;
using Mandate.Core.Mcp;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Core.Approvals;

/// <summary>
/// What a human does with a pending approval: approve or deny it, once, before it expires. Approving re-checks,
/// through the Attest stage, that the agent, run, tenant and user still stand, as every poll does; when they do not,
/// the approval is withdrawn instead (invariant 6). Nor is one approved that the registration in force could not give
/// the agent (<see cref="ApprovalRegistration"/>): that refusal is audited and the approval stays pending, as a restart
/// may restore the registration. Denying needs no standing: it grants nothing.
/// </summary>
public sealed class ApprovalService
{
    private readonly IApprovalStore _store;
    private readonly AttestStage _attest;
    private readonly PolicyProvider _policy;
    private readonly IUnitOfWork _trail;
    private readonly Registry _registry;
    private readonly IssueStage _issue;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public ApprovalService(
        IApprovalStore store, IUnitOfWork trail, AttestStage attest, PolicyProvider policy, Registry registry, IssueStage issue, MandateOptions options, TimeProvider time)
    {
        _store = store;
        _trail = trail;
        _attest = attest;
        _policy = policy;
        _registry = registry;
        _issue = issue;
        _options = options;
        _time = time;
    }

    /// <summary>Approves or denies; returns the approval after the change, or an error saying why it could not change.</summary>
    public async Task<ApprovalDecisionResult> DecideAsync(string id, bool approve, string approver, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(approver);
        var approval = await _store.GetApprovalAsync(id, cancellationToken);
        if (approval is null)
        {
            return new(null, $"no approval '{id}'; list them with `mandate approvals list`");
        }

        var now = _time.GetUtcNow();
        if (approval.Status == ApprovalStatus.Withdrawn)
        {
            return new(approval, $"approval '{id}' is withdrawn: the agent, run, tenant or user it was asked for no longer stands, or the policy rule that asked for it changed (its approval_refused audit record names the check); nothing will be issued for it") { CheckId = ApprovalChecks.Withdrawn.Id };
        }

        if (approval.Status != ApprovalStatus.Pending || approval.IsExpired(now))
        {
            var state = approval.IsExpired(now) ? "expired" : approval.Status.ToString().ToLowerInvariant();
            return new(approval, $"approval '{id}' is {state}; only a pending approval can be decided (the agent must ask again)");
        }

        if (approve && await WithdrawUnlessStandingAsync(approval, approver, now, cancellationToken) is { } withdrawn)
        {
            return withdrawn;
        }

        if (approve && RegistrationRefusal(approval) is { } unregistered)
        {
            return await RefuseAsync(approval, unregistered, approver, now, cancellationToken);
        }

        var to = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied;
        var changed = await _store.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = id, From = ApprovalStatus.Pending, To = to, At = now, Approver = approver, Reason = reason },
            [ApprovalAuditEvents.Decided(approval, to, approver, reason, now, _options.Node)],
            cancellationToken);
        if (!changed)
        {
            return new(approval, $"approval '{id}' changed or expired meanwhile; it was not {(approve ? "approved" : "denied")}");
        }

        return new(approval with { Status = to, Approver = approver, DecidedReason = reason, DecidedAt = now }, null);
    }

    /// <summary>
    /// Why approving <paramref name="approval"/> would withdraw it instead (the standing question approving asks, and the
    /// policy rule it was asked under), or null when it still stands. Changes nothing; reads the approval's run once.
    /// </summary>
    public async Task<string?> NoLongerStandingAsync(Approval approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var (refusal, policyChange) = await WhyNotStandingAsync(approval, _time.GetUtcNow(), cancellationToken);
        return refusal?.Description ?? policyChange ?? RegistrationRefusal(approval)?.Description;
    }

    /// <summary>
    /// R12: the registration in force could not give the agent what it would approve, so the collection would be refused
    /// (<see cref="ApprovalRegistration"/>). Not approved, the refusal audited once; it stays pending, neither approved nor
    /// withdrawn, since a restart may restore the registration.
    /// </summary>
    private async Task<ApprovalDecisionResult> RefuseAsync(Approval approval, OAuthError refusal, string approver, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var detail = $"approval '{approval.Id}' was not approved: {refusal.Description}";
        await _trail.CommitAsync(new StoreBatch(ApprovalAuditEvents.Refused(approval, refusal.CheckId ?? refusal.Error, detail, null, now, _options.Node, approver)), cancellationToken);
        return new(approval, detail) { CheckId = refusal.CheckId };
    }

    /// <summary>
    /// Why the registration in force would refuse collecting <paramref name="approval"/>, or null. An approval of one MCP
    /// tool call issues no credential (the gateway judges the call's registration when it is retried).
    /// </summary>
    private OAuthError? RegistrationRefusal(Approval approval)
    {
        if (McpCallApprovals.IsToolCallApproval(approval))
        {
            return null;
        }

        if (_registry.FindAgent(approval.Agent) is not { } agent)
        {
            return AttestChecks.AgentUnregistered.Refuse($"agent '{approval.Agent}' is no longer registered, so approval '{approval.Id}' cannot be collected");
        }

        return ApprovalRegistration.Tool(approval, agent, _registry, _issue).Failed(out var refusal, out _) ? refusal : null;
    }

    /// <summary>
    /// Invariant 6: an approval whose agent, run, tenant or user no longer stands could never be collected (the poll
    /// checks the same), so approving it would tell the approver something happened that never will. Nor could one whose
    /// rule a policy reload dropped or changed (<see cref="ApprovalPolicyCheck"/>). It is withdrawn with the poll's record
    /// instead. Null when the approval still stands.
    /// </summary>
    private async Task<ApprovalDecisionResult?> WithdrawUnlessStandingAsync(Approval approval, string approver, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (refusal, policyChange) = await WhyNotStandingAsync(approval, now, cancellationToken);
        if (refusal is null && policyChange is null)
        {
            return null;
        }

        var detail = refusal is not null
            ? $"approval '{approval.Id}' was withdrawn, not approved: {refusal.Description}; nothing will be issued for it"
            : $"approval '{approval.Id}' was withdrawn, not approved: {policyChange}; the agent must make a new token request, so nothing will be issued for it";
        var check = refusal?.CheckId ?? ApprovalChecks.PolicyChanged.Id;
        var record = ApprovalAuditEvents.Withdrawn(approval, check, detail, refusal?.Revocation?.Id, now, _options.Node, approver);
        var transition = new ApprovalTransition { Id = approval.Id, From = ApprovalStatus.Pending, To = ApprovalStatus.Withdrawn, At = now };
        return await _store.TryTransitionApprovalAsync(transition, [record], cancellationToken)
            ? new(approval with { Status = ApprovalStatus.Withdrawn }, detail) { CheckId = refusal is null ? ApprovalChecks.PolicyChanged.Id : ApprovalChecks.Withdrawn.Id }
            : new(approval, $"approval '{approval.Id}' changed or expired meanwhile; it was not approved");
    }

    /// <summary>The Attest stage's standing refusal, else the policy rule's change (<see cref="ApprovalPolicyCheck"/>); both null when it stands.</summary>
    private async Task<(StandingRefusal? Refusal, string? PolicyChange)> WhyNotStandingAsync(Approval approval, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (_, refusal) = await _attest.StandingAsync(approval.Principal(), "the request it approves", now, cancellationToken);
        return (refusal, refusal is null ? ApprovalPolicyCheck.Refusal(approval, _policy.Current) : null);
    }
}
