using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Issuance;
using Mandate.Core.Protocol;
using Mandate.Core.Resolution;

namespace Mandate.Core.Grants;

/// <summary>
/// R12 at collection: the registration in force when an approved request is collected, which a restart may have changed
/// since it was asked for, must still give the agent what was approved, as the exchange's Resolve stage would.
/// </summary>
internal static class ApprovalRegistration
{
    /// <summary>The tool <paramref name="approval"/> may still be collected for, or the refusal the exchange would give.</summary>
    public static Result<ToolOptions> Tool(Approval approval, AgentOptions agent, Registry registry, IssueStage issue)
    {
        if (registry.FindTool(approval.Tool) is not { } tool)
        {
            return ApprovalChecks.ToolUnregistered.Refuse($"tool '{approval.Tool}' is no longer registered; nothing was issued");
        }

        if (!issue.IssuableAfterApproval(tool.Kind))
        {
            return ApprovalChecks.KindNotIssuable.Refuse($"tool '{approval.Tool}' now takes credentials of kind {tool.Kind}, which cannot be issued through an approval; nothing was issued");
        }

        // RFC 8693 §2.2.2: a target the agent may not have is invalid_target, as at the exchange.
        if (!agent.Tools.Contains(tool.Name, StringComparer.Ordinal))
        {
            return ResolveChecks.ToolUndeclared.Refuse($"tool '{tool.Name}' is no longer in the declared tools of agent '{agent.Id}', so approval '{approval.Id}' cannot be collected and nothing was issued; declare it under agents[].tools and make a new token request");
        }

        if (!agent.Tenants.Contains(approval.Tenant, StringComparer.Ordinal))
        {
            return ResolveChecks.TenantUnregistered.Refuse($"agent '{agent.Id}' is no longer registered for tenant '{approval.Tenant}' (agents[].tenants lists {string.Join(", ", agent.Tenants)}), so approval '{approval.Id}' cannot be collected and nothing was issued");
        }

        // RFC 6749 §5.2: a scope the tool does not define is invalid_scope.
        var unknown = approval.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !tool.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
        return unknown.Count == 0
            ? tool
            : ResolveChecks.ScopeUnknown.Refuse($"tool '{tool.Name}' no longer defines scope(s) {string.Join(", ", unknown.Select(s => $"'{s}'"))} (it defines {string.Join(", ", tool.Scopes)}), so approval '{approval.Id}' cannot be collected and nothing was issued; make a new token request");
    }
}
