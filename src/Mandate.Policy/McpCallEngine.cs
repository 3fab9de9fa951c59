namespace Mandate.Policy;

/// <summary>
/// Decides one MCP <c>tools/call</c> against the rules with <c>mcp:</c>. Pure, like <see cref="PolicyEngine"/>: the same
/// snapshot and input always give the same decision.
/// </summary>
/// <remarks>
/// Only rules with <c>mcp:</c> whose agents, tools (the MCP server), environment, subject and tenant match and which
/// name the MCP tool are considered. Any matching deny denies; otherwise the first matching require_approval rule in
/// file order asks for a human; otherwise the first matching allow allows; otherwise the call is denied by default.
/// A condition that cannot be evaluated fails closed: a deny applies, a require_approval applies (the call waits for a
/// human rather than falling through to a more permissive allow), an allow does not match.
/// </remarks>
public static class McpCallEngine
{
    public static Decision Evaluate(PolicySnapshot policy, McpCallInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);

        var candidates = policy.McpIndex.Find(input.Server, input.Agent);
        IReadOnlyDictionary<string, object?>? variables = null;
        foreach (var rule in candidates.Denies)
        {
            if (rule.MatchesMcpCall(input))
            {
                var result = rule.EvaluateCondition(variables ??= McpCallContext.Build(input));
                if (result.IsTrue || result.IsError)
                {
                    var why = result.Error is { } e ? $" (its condition could not be evaluated: {e.Message}; a deny rule fails closed)" : "";
                    return Refuse(policy, rule.Id, rule.DeniedReason + why, $"this call is explicitly denied; an allow rule cannot override a deny, so if it should be allowed, change rule '{rule.Id}'");
                }
            }
        }

        PolicyRule? allowed = null;
        foreach (var rule in candidates.Allows)
        {
            if (!rule.MatchesMcpCall(input))
            {
                continue;
            }

            var result = rule.EvaluateCondition(variables ??= McpCallContext.Build(input));
            if (rule.Effect == DecisionEffect.RequireApproval && (result.IsTrue || result.IsError))
            {
                return new Decision
                {
                    Effect = DecisionEffect.RequireApproval,
                    RuleId = rule.Id,
                    Reason = result.Error is { } e ? $"{rule.Reason} (its condition could not be evaluated: {e.Message}; approval is required)" : rule.Reason,
                    PolicyVersion = policy.Version,
                    ApprovalExpiresIn = rule.ApprovalExpiresIn,
                    RecordArguments = rule.Mcp!.RecordArguments,
                };
            }

            if (rule.Effect == DecisionEffect.Allow && result.IsTrue)
            {
                allowed ??= rule;
            }
        }

        if (allowed is not null)
        {
            return new Decision
            {
                Effect = DecisionEffect.Allow,
                RuleId = allowed.Id,
                Reason = allowed.Reason,
                PolicyVersion = policy.Version,
                RecordArguments = allowed.Mcp!.RecordArguments,
            };
        }

        return Refuse(
            policy,
            ruleId: null,
            $"no rule with mcp: allows agent '{input.Agent}' to call MCP tool '{input.Tool}' of '{input.Server}' with these arguments",
            $"add a rule with effect allow, tools [{input.Server}] and mcp: {{tools: [{input.Tool}]}} for this agent, or check its when: condition");
    }

    /// <summary>
    /// Whether <c>tools/list</c> shows <paramref name="input"/>'s tool to its caller: some allow or require_approval rule with
    /// <c>mcp:</c> names it for this caller (conditions aside: they depend on arguments), and no deny rule without a
    /// condition names it. The arguments of <paramref name="input"/> are not read.
    /// </summary>
    public static bool MayList(PolicySnapshot policy, McpCallInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);
        var candidates = policy.McpIndex.Find(input.Server, input.Agent);
        return !candidates.Denies.Any(r => r.Condition is null && r.MatchesMcpCall(input))
            && candidates.Allows.Any(r => r.MatchesMcpCall(input));
    }

    private static Decision Refuse(PolicySnapshot policy, string? ruleId, string reason, string remedy) => new()
    {
        Effect = DecisionEffect.Deny,
        RuleId = ruleId,
        Reason = reason,
        Remedy = remedy,
        PolicyVersion = policy.Version,
    };
}
