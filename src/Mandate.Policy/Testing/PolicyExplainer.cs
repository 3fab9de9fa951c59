using Mandate.Policy.Expressions;

namespace Mandate.Policy.Testing;

/// <summary>One check of one rule for <c>mandate policy explain</c>: its name, whether it passed, and why.</summary>
public sealed record RuleCheckResult(string Check, bool Passed, string Detail);

/// <summary>How one rule fared against a request.</summary>
public sealed record RuleExplanation(string RuleId, string Effect, int Line, IReadOnlyList<RuleCheckResult> Checks)
{
    public bool Matched => Checks.All(c => c.Passed);
}

/// <summary>
/// Shows, for every rule, which checks passed and which failed and why (conditions with their value or error),
/// next to the decision the engine makes. Pure, like the engine; for people, not for the request path.
/// </summary>
public static partial class PolicyExplainer
{
    public static (Decision Decision, IReadOnlyList<RuleExplanation> Rules) Explain(PolicySnapshot policy, PolicyInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);
        var variables = PolicyExpressionContext.Build(input);
        var rules = policy.Rules.Select(rule => Explain(rule, input, variables)).ToList();
        return (PolicyEngine.Evaluate(policy, input), rules);
    }

    private static RuleExplanation Explain(PolicyRule rule, PolicyInput input, IReadOnlyDictionary<string, object?> variables)
    {
        var isDeny = rule.Effect == DecisionEffect.Deny;
        var checks = CallerChecks(rule, input.Agent, input.Tool, input.Environment, input.Subject);
        checks.AddRange(
        [
            new("tenant", rule.MatchesTenant(input), rule.Tenant switch
            {
                TenantMatch.SameAsUser => $"tenant same_as_user (requested '{input.Tenant}', user's '{input.UserTenant ?? "none"}')",
                TenantMatch.Listed => $"tenants {string.Join(", ", rule.Tenants)} (requested '{input.Tenant}')",
                _ => "any tenant",
            }),
            new("scopes", isDeny ? rule.ListsAnyScope(input.Scopes) : rule.AllowsAllScopes(input.Scopes) && (rule.GrantScopeSet is null || input.Scopes.Any(rule.GrantScopeSet.Contains)),
                rule.Scopes is null ? "any scope" : $"{(isDeny ? "denies any of" : "allows")} {string.Join(", ", rule.Scopes)} (requested {string.Join(", ", input.Scopes)})"),
        ]);
        if (rule.Mcp is { } mcp)
        {
            // Never considered for an exchange; its condition reads a tools/call's variables, so it is not evaluated here.
            checks.Add(new("mcp", false, $"decides MCP tool calls ({string.Join(", ", mcp.Tools)}) at the gateway only; never grants a credential"));
            return new RuleExplanation(rule.Id, Effect(rule.Effect), rule.Line, checks);
        }

        if (rule.Condition is { } condition)
        {
            var result = rule.EvaluateCondition(variables);
            var passed = result.IsTrue || (isDeny && result.IsError);
            var detail = result.Error is { } e ? $"error: {e.Message}{(isDeny ? " (deny fails closed)" : "")}" : $"= {CelValues.Format(result.Value)}";
            checks.Add(new("when", passed, $"{condition.Source} {detail}"));
        }

        if (rule.RateLimit is { } limit)
        {
            var count = input.RateCounts.GetValueOrDefault(rule.Id);
            checks.Add(new("rate_limit", count < limit.Max, $"{count} of {limit} used"));
        }

        return new RuleExplanation(rule.Id, Effect(rule.Effect), rule.Line, checks);
    }

    /// <summary>The checks of agent, tool, environment and subject, which a token request and an MCP call share.</summary>
    private static List<RuleCheckResult> CallerChecks(PolicyRule rule, string agent, string tool, string environment, SubjectKind subject) =>
    [
        new("agent", rule.MatchesAgent(agent), $"agents {string.Join(", ", rule.Agents)}"),
        new("tool", rule.MatchesTool(tool), $"tools {string.Join(", ", rule.Tools)}"),
        new("environment", rule.MatchesEnvironment(environment), rule.Environments is null ? "any environment" : $"environments {string.Join(", ", rule.Environments)}"),
        new("subject", rule.MatchesSubject(subject), $"subject {rule.Subject.ToString().ToLowerInvariant()}"),
    ];

    private static string Effect(DecisionEffect effect) => effect switch
    {
        DecisionEffect.Allow => "allow",
        DecisionEffect.Deny => "deny",
        _ => "require_approval",
    };
}
