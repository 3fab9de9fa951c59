using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Approvals;

/// <summary>Stable ids of the checks of the approval poll (OpenID CIBA §11 answers).</summary>
public static class ApprovalChecks
{
    public static readonly Check AuthReqIdMissing = new("approval.auth_req_id_missing", E.InvalidRequest);
    public static readonly Check AuthReqIdTooLong = new("approval.auth_req_id_too_long", E.InvalidRequest);
    public static readonly Check ActorTokenMissing = new("approval.actor_token_missing", E.InvalidRequest);

    /// <summary>The same answer for unknown and foreign ids: an agent learns nothing about other agents' approvals.</summary>
    public static readonly Check Unknown = new("approval.unknown", E.InvalidGrant);

    public static readonly Check DetailsDiffer = new("approval.details_differ", E.InvalidGrant);

    /// <summary>The approval was asked with a DPoP proof or client certificate, and the poll is not bound the same way.</summary>
    public static readonly Check SenderDiffers = new("approval.sender_differs", E.InvalidGrant);
    /// <summary>The poll's subject_token names another user (or the same sub from another issuer), tenant or run than the approval was asked for.</summary>
    public static readonly Check SubjectDiffers = new("approval.subject_differs", E.InvalidGrant);
    public static readonly Check Consumed = new("approval.consumed", E.InvalidGrant);
    /// <summary>A poll found the approval's agent, run, tenant or user no longer standing; it can never be collected.</summary>
    public static readonly Check Withdrawn = new("approval.withdrawn", E.InvalidGrant);
    /// <summary>A reload dropped or changed the rule the approval was asked under (<see cref="ApprovalPolicyCheck"/>); it can never be collected.</summary>
    public static readonly Check PolicyChanged = new("approval.policy_changed", E.InvalidGrant);
    public static readonly Check Denied = new("approval.denied", E.AccessDenied);
    public static readonly Check Expired = new("approval.expired", E.ExpiredToken);
    public static readonly Check SlowDown = new("approval.slow_down", E.SlowDown);
    public static readonly Check Pending = new("approval.pending", E.AuthorizationPending);
    public static readonly Check NotCollected = new("approval.not_collected", E.ExpiredToken);
    /// <summary>The approval is of one MCP tool call: it is used by retrying that call at the gateway and never yields a credential.</summary>
    public static readonly Check ToolCallOnly = new("approval.tool_call_only", E.InvalidGrant);

    public static readonly Check ToolUnregistered = new("approval.tool_unregistered", E.InvalidTarget);
    public static readonly Check KindNotIssuable = new("approval.kind_not_issuable", E.InvalidTarget);
}
