using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Decisions;

/// <summary>Stable ids of the checks of the Decide stage (RFC 8693 §2.2.2: scope refusals are invalid_scope, others invalid_target).</summary>
public static class DecideChecks
{
    /// <summary>No policy rule allows the request (default deny).</summary>
    public static readonly Check NoRule = new("decide.no_rule", E.InvalidTarget);

    /// <summary>A deny rule matched.</summary>
    public static readonly Check RuleDenied = new("decide.rule_denied", E.InvalidTarget);

    /// <summary>A rule allows the tool but not every requested scope.</summary>
    public static readonly Check ScopeDenied = new("decide.scope_denied", E.InvalidScope);

    /// <summary>Delegation: the parent run's agent is no longer allowed (by the policy in force) what it would hand on.</summary>
    public static readonly Check DelegatorNotAllowed = new("decide.delegator_not_allowed", E.InvalidScope);

    /// <summary>A rule requires human approval: the answer is CIBA's authorization_pending with auth_req_id.</summary>
    public static readonly Check ApprovalPending = new("decide.approval_pending", E.AuthorizationPending);

    /// <summary>A rule requires approval for a tool whose credential kind cannot be issued after one.</summary>
    public static readonly Check ApprovalKind = new("decide.approval_kind", E.InvalidTarget);
}
