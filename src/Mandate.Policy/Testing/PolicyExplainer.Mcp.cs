namespace Mandate.Policy.Testing;

/// <summary>
/// <c>mandate policy explain</c> of a request with <c>mcp:</c>: the MCP <c>tools/call</c> the gateway would decide,
/// explained against the rules with <c>mcp:</c> and decided by <see cref="McpCallEngine"/>, as the gateway does.
/// </summary>
public static partial class PolicyExplainer
{
    public static (Decision Decision, IReadOnlyList<RuleExplanation> Rules) ExplainMcpCall(PolicySnapshot policy, McpCallInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var variables = McpCallContext.Build(input);
        return (McpCallEngine.Evaluate(policy, input), [.. policy.Rules.Select(rule => ExplainMcpCall(rule, input, variables))]);
    }

    private static RuleExplanation ExplainMcpCall(PolicyRule rule, McpCallInput input, IReadOnlyDictionary<string, object?> variables)
    {
        var checks = CallerChecks(rule, input.Agent, input.Server, input.Environment, input.Subject);
        checks.Add(new("tenant", rule.MatchesMcpTenant(input), rule.Tenant switch
        {
            TenantMatch.SameAsUser => $"tenant same_as_user (the credential's tenant '{input.Tenant}', {(input.Subject == SubjectKind.User ? "held to the user's" : "background work has no user")})",
            TenantMatch.Listed => $"tenants {string.Join(", ", rule.Tenants)} (the credential's '{input.Tenant}')",
            _ => "any tenant",
        }));
        if (rule.Mcp is not { } mcp)
        {
            checks.Add(new("mcp", false, "an ordinary rule: grants credentials for token requests and never decides an MCP tools/call"));
            return new RuleExplanation(rule.Id, Effect(rule.Effect), rule.Line, checks);
        }

        checks.Add(new("mcp", mcp.Names(input.Tool), $"mcp tools {string.Join(", ", mcp.Tools)} (called '{input.Tool}')"));
        if (rule.Condition is { } condition)
        {
            // A condition that errs fails closed: a deny or require_approval applies, an allow does not (McpCallEngine).
            var result = rule.EvaluateCondition(variables);
            var failsClosed = rule.Effect != DecisionEffect.Allow;
            var detail = result.Error is { } e ? $"error: {e.Message}{(failsClosed ? " (fails closed)" : "")}" : $"= {Expressions.CelValues.Format(result.Value)}";
            checks.Add(new("when", result.IsTrue || (failsClosed && result.IsError), $"{condition.Source} {detail}"));
        }

        return new RuleExplanation(rule.Id, Effect(rule.Effect), rule.Line, checks);
    }
}
