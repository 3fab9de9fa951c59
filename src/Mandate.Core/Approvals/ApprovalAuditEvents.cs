using Mandate.Core.Audit;

namespace Mandate.Core.Approvals;

/// <summary>Audit events of the approval life cycle: requested, decided (approved/denied), and issuance evidence.</summary>
public static class ApprovalAuditEvents
{
    public static AuditEvent Requested(Approval a, string node) =>
        Event(a, AuditKinds.ApprovalRequested, a.CreatedAt, "pending", a.BindingMessage, node, Evidence(a));

    /// <summary>
    /// A retried request found <paramref name="a"/> still pending for the same tool call and was answered with its id
    /// (decision <paramref name="decisionId"/>); no second approval was asked for.
    /// </summary>
    public static AuditEvent Repeated(Approval a, string decisionId, DateTimeOffset at, string node) =>
        Event(a, AuditKinds.ApprovalRequested, at, "repeated", a.BindingMessage, node,
            new SortedDictionary<string, string>(Evidence(a), StringComparer.Ordinal) { ["repeated_decision_id"] = decisionId });

    public static AuditEvent Decided(Approval a, ApprovalStatus outcome, string approver, string? reason, DateTimeOffset at, string node) =>
        Event(
            a,
            AuditKinds.ApprovalDecided,
            at,
            outcome == ApprovalStatus.Approved ? "approved" : "denied",
            reason,
            node,
            new SortedDictionary<string, string>(Evidence(a), StringComparer.Ordinal) { ["approver"] = approver });

    /// <summary>
    /// An approved MCP tool call is going ahead under <paramref name="policyInForce"/>: the approval is consumed (recorded
    /// with the transition, in one transaction). Both versions are on the record, as on a collected credential's issuance.
    /// </summary>
    public static AuditEvent Consumed(Approval a, string policyInForce, DateTimeOffset at, string node) =>
        Event(a, AuditKinds.ApprovalConsumed, at, "consumed", $"approved by {a.Approver}", node, new SortedDictionary<string, string>(Evidence(a), StringComparer.Ordinal)
        {
            ["approver"] = a.Approver ?? "",
            ["approval_policy_version"] = a.PolicyVersion,
            ["policy_version_in_force"] = policyInForce,
        });

    /// <summary>
    /// Collecting the approval was refused by <paramref name="check"/> (an attestation, standing or registration check id),
    /// or <paramref name="approver"/> was refused approving it; nothing was issued.
    /// </summary>
    public static AuditEvent Refused(Approval a, string check, string reason, string? revocation, DateTimeOffset at, string node, string? approver = null) =>
        Refused(a, "refused", check, reason, revocation, at, node, approver);

    /// <summary>
    /// A standing check (<paramref name="check"/>) refused collecting the approval, and the approval was withdrawn with
    /// this record: at a poll, or when <paramref name="approver"/> tried to approve it (then it was not approved).
    /// </summary>
    public static AuditEvent Withdrawn(Approval a, string check, string reason, string? revocation, DateTimeOffset at, string node, string? approver = null) =>
        Refused(a, "withdrawn", check, reason, revocation, at, node, approver);

    private static AuditEvent Refused(Approval a, string outcome, string check, string reason, string? revocation, DateTimeOffset at, string node, string? approver)
    {
        var evidence = Evidence(a);
        evidence["check"] = check;
        if (revocation is not null)
        {
            evidence["revocation"] = revocation;
        }

        if (approver is not null)
        {
            evidence["approver"] = approver;
        }

        return Event(a, AuditKinds.ApprovalRefused, at, outcome, reason, node, evidence);
    }

    /// <summary>The approval's principal, tool, scope and decision, as every event of its life cycle records them.</summary>
    private static AuditEvent Event(Approval a, string kind, DateTimeOffset at, string outcome, string? reason, string node, SortedDictionary<string, string> evidence) => new()
    {
        Kind = kind,
        Time = at,
        Outcome = outcome,
        Agent = a.Agent,
        Tenant = a.Tenant,
        User = a.User,
        Run = a.Run,
        Tool = a.Tool,
        Scope = a.Scope,
        DecisionId = a.DecisionId,
        PolicyVersion = a.PolicyVersion,
        Rule = a.Rule,
        Reason = reason,
        Node = node,
        Evidence = evidence,
    };

    /// <summary>The evidence of the credential an approval is collected as.</summary>
    public static SortedDictionary<string, string> Evidence(Approval a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["approval_id"] = a.Id,
            ["binding_hash"] = a.BindingHash,
            ["approval_expires_at"] = a.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // The user token the approval was asked with, as a tenant or user revocation judges the credential (the epoch
        // stands for a token without iat, which no record names).
        if (a.IdentityIssuedAt is { } issuedAt && issuedAt > DateTimeOffset.UnixEpoch)
        {
            evidence["user_iat"] = issuedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return evidence;
    }
}
