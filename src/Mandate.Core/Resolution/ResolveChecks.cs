using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Resolution;

/// <summary>Stable ids of the checks of the Resolve stage: the tool, scopes, details, tenant, run and envelope a request names.</summary>
public static class ResolveChecks
{
    public static readonly Check ToolUnknown = new("resolve.tool_unknown", E.InvalidTarget);
    public static readonly Check ToolUndeclared = new("resolve.tool_undeclared", E.InvalidTarget);
    public static readonly Check ToolOutsideRun = new("resolve.tool_outside_run", E.InvalidTarget);
    public static readonly Check ScopeUnknown = new("resolve.scope_unknown", E.InvalidScope);
    public static readonly Check ScopeOutsideRun = new("resolve.scope_outside_run", E.InvalidScope);
    public static readonly Check DetailsInRunRequest = new("resolve.details_in_run_request", E.InvalidAuthorizationDetails);
    public static readonly Check DetailsInvalid = new("resolve.details_invalid", E.InvalidAuthorizationDetails);
    public static readonly Check EvidenceSubject = new("resolve.evidence_subject", E.InvalidRequest);
    public static readonly Check TenantRequired = new("resolve.tenant_required", E.InvalidRequest);
    public static readonly Check TenantUnregistered = new("resolve.tenant_unregistered", E.InvalidTarget);
    public static readonly Check NamedRunRevoked = new("resolve.named_run_revoked", E.InvalidRequest);
    public static readonly Check NamedRunRecorded = new("resolve.named_run_recorded", E.InvalidRequest);
    public static readonly Check NamedRunTaken = new("resolve.named_run_taken", E.InvalidRequest);
    public static readonly Check TenantSwitch = new("resolve.tenant_switch", E.InvalidTarget);
    public static readonly Check RunMismatch = new("resolve.run_mismatch", E.InvalidRequest);
    public static readonly Check NotRunAgent = new("resolve.not_run_agent", E.InvalidRequest);
    public static readonly Check SubAgentTenant = new("resolve.sub_agent_tenant", E.InvalidTarget);
    public static readonly Check RunScopeMissing = new("resolve.run_scope_missing", E.InvalidScope);
    public static readonly Check RenewAddsScope = new("resolve.renew_adds_scope", E.InvalidScope);
    public static readonly Check DepthExceeded = new("resolve.depth_exceeded", E.InvalidRequest);

    /// <summary>An agent of the delegation chain acts as the sub-agent of one whose <c>sub_agents</c> does not name it.</summary>
    public static readonly Check SubAgentNotAllowed = new("resolve.sub_agent_not_allowed", E.InvalidRequest);
    public static readonly Check EnvelopeExceedsParent = new("resolve.envelope_exceeds_parent", E.InvalidScope);
    public static readonly Check NoParentTools = new("resolve.no_parent_tools", E.InvalidScope);
    public static readonly Check ScopeUnowned = new("resolve.scope_unowned", E.InvalidScope);
    public static readonly Check ScopeAmbiguous = new("resolve.scope_ambiguous", E.InvalidScope);
}
