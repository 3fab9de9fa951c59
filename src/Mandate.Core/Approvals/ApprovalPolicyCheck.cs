using Mandate.Core.Mcp;
using Mandate.Policy;

namespace Mandate.Core.Approvals;

/// <summary>
/// "A versioned policy decides", also when an approval is approved or collected: one asked under an earlier policy
/// version stands under the version in force only while the rule that asked for it is still there and still requires a
/// human for the agent it decided for, tool, tenant and scopes: a delegating agent's rule that made a sub-agent's request
/// wait is judged against that delegating agent (<see cref="Approval.AskedBy"/>). The rest of the request (conditions,
/// evidence, rates) is not stored with the approval, so the rule is judged on those facts alone; a reload that changes
/// nothing else leaves it standing.
/// </summary>
public static class ApprovalPolicyCheck
{
    /// <summary>Why <paramref name="approval"/> no longer stands under <paramref name="policy"/>, or null when it does.</summary>
    public static string? Refusal(Approval approval, PolicySnapshot policy)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(policy);
        if (approval.PolicyVersion == policy.Version)
        {
            return null;
        }

        var index = McpCallApprovals.IsToolCallApproval(approval) ? policy.McpIndex : policy.Index;
        var asker = approval.AskedBy;
        var rule = index.Find(approval.Tool, asker).Allows.FirstOrDefault(r => r.Id == approval.Rule && r.MatchesAgent(asker));
        if (rule is { Effect: DecisionEffect.RequireApproval } && Covers(rule, approval))
        {
            return null;
        }

        var change = policy.Rules.Any(r => r.Id == approval.Rule)
            ? $"no longer requires an approval for agent '{asker}' on tool '{approval.Tool}' with scope '{approval.Scope}' in tenant '{approval.Tenant}'"
            : "no longer exists";
        return $"rule '{approval.Rule}' of policy {approval.PolicyVersion}, under which approval '{approval.Id}' was asked for, {change} in policy {policy.Version} now in force";
    }

    // A tool-call approval carries the caller's scopes, which its rule does not limit.
    private static bool Covers(PolicyRule rule, Approval approval)
    {
        if (rule.Tenant == TenantMatch.Listed && !rule.Tenants.Contains(approval.Tenant))
        {
            return false;
        }

        var scopes = approval.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return McpCallApprovals.IsToolCallApproval(approval)
            || (scopes.All(s => rule.Scopes is null || rule.Scopes.Contains(s)) && scopes.All(s => rule.GrantScopes is null || rule.GrantScopes.Contains(s)));
    }
}
