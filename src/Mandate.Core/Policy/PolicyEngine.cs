namespace Mandate.Core.Policy;

/// <summary>
/// Evaluates a request against a policy snapshot. Pure: no I/O, no clock, no state; the same
/// snapshot and input always give the same decision.
/// </summary>
/// <remarks>
/// Semantics: any matching deny rule denies, wherever it sits in the file. Otherwise the first
/// allow rule in file order that matches agent, tool, environment, subject, tenant and scopes
/// allows. Otherwise the request is denied by default, with an explanation built from the allow
/// rule that came nearest to matching.
/// </remarks>
public static class PolicyEngine
{
    /// <summary>
    /// Decides <paramref name="input"/> under <paramref name="policy"/>. On allow,
    /// <see cref="Decision.GrantedScopes"/> is <see cref="PolicyInput.Scopes"/> itself (not a copy),
    /// so the caller must not mutate that list afterwards.
    /// </summary>
    public static Decision Evaluate(PolicySnapshot policy, PolicyInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);

        var candidates = policy.Index.Find(input.Tool, input.Agent);
        foreach (var rule in candidates.Denies)
        {
            if (rule.MatchesAgent(input.Agent)
                && rule.MatchesEnvironment(input.Environment)
                && rule.MatchesSubject(input.Subject)
                && rule.MatchesTenant(input)
                && rule.ListsAnyScope(input.Scopes))
            {
                return PolicyExplanations.DeniedByRule(policy, rule, input);
            }
        }

        PolicyRule? nearest = null;
        var nearestFailed = RuleCheck.Environment;
        foreach (var rule in candidates.Allows)
        {
            if (!rule.MatchesAgent(input.Agent))
            {
                continue;
            }

            var failed = FirstFailedCheck(rule, input);
            if (failed == RuleCheck.Passed)
            {
                return new Decision
                {
                    Effect = DecisionEffect.Allow,
                    RuleId = rule.Id,
                    Reason = rule.Reason,
                    GrantedScopes = input.Scopes,
                    MaxLifetime = rule.MaxLifetime,
                    PolicyVersion = policy.Version,
                };
            }

            if (nearest is null || failed > nearestFailed)
            {
                nearest = rule;
                nearestFailed = failed;
            }
        }

        return nearest is null
            ? PolicyExplanations.NoRule(policy, input)
            : PolicyExplanations.NearMiss(policy, nearest, nearestFailed, input);
    }

    private static RuleCheck FirstFailedCheck(PolicyRule rule, PolicyInput input)
    {
        if (!rule.MatchesEnvironment(input.Environment))
        {
            return RuleCheck.Environment;
        }

        if (!rule.MatchesSubject(input.Subject))
        {
            return RuleCheck.Subject;
        }

        if (!rule.MatchesTenant(input))
        {
            return RuleCheck.Tenant;
        }

        return rule.AllowsAllScopes(input.Scopes) ? RuleCheck.Passed : RuleCheck.Scopes;
    }
}
