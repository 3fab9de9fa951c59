namespace Mandate.Policy;

/// <summary>
/// Evaluates a request against a policy snapshot. Pure: no I/O, no clock, no state; the same
/// snapshot and input always give the same decision.
/// </summary>
/// <remarks>
/// Semantics: any matching deny rule denies, wherever it sits in the file (a deny whose condition
/// errs applies: fail closed). Otherwise the first allow or require_approval rule in file order that
/// matches agent, tool, environment, subject, tenant, scopes, its condition (an error is "not
/// matching") and its rate limit decides. Otherwise the request is denied by default, with an explanation built from the allow
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
        IReadOnlyDictionary<string, object?>? variables = null;
        foreach (var rule in candidates.Denies)
        {
            if (rule.MatchesAgent(input.Agent)
                && rule.MatchesEnvironment(input.Environment)
                && rule.MatchesSubject(input.Subject)
                && rule.MatchesTenant(input)
                && rule.ListsAnyScope(input.Scopes))
            {
                if (rule.Condition is null)
                {
                    return PolicyExplanations.DeniedByRule(policy, rule, input);
                }

                // A deny whose condition cannot be evaluated applies anyway: fail closed.
                var result = rule.EvaluateCondition(variables ??= PolicyExpressionContext.Build(input));
                if (result.IsTrue || result.IsError)
                {
                    return PolicyExplanations.DeniedByRule(policy, rule, input, result.Error);
                }
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
            if (failed == RuleCheck.Passed && rule.Condition is not null
                && !rule.EvaluateCondition(variables ??= PolicyExpressionContext.Build(input)).IsTrue)
            {
                failed = RuleCheck.Condition;
            }

            if (failed == RuleCheck.Passed && rule.RateLimit is { } limit && input.RateCounts.GetValueOrDefault(rule.Id) >= limit.Max)
            {
                failed = RuleCheck.Rate;
            }

            if (failed == RuleCheck.Passed)
            {
                return new Decision
                {
                    Effect = rule.Effect,
                    RuleId = rule.Id,
                    Reason = rule.Reason,
                    GrantedScopes = rule.Grant(input.Scopes),
                    MaxLifetime = rule.MaxLifetime,
                    PolicyVersion = policy.Version,
                    RateLimit = rule.RateLimit,
                    ApprovalExpiresIn = rule.Effect == DecisionEffect.RequireApproval ? rule.ApprovalExpiresIn : null,
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

        // grant_scopes that leave nothing of the request would issue an empty credential: a scope miss.
        if (!rule.AllowsAllScopes(input.Scopes) || (rule.GrantScopeSet is not null && !input.Scopes.Any(rule.GrantScopeSet.Contains)))
        {
            return RuleCheck.Scopes;
        }

        return rule.MatchesSenderConstraint(input) ? RuleCheck.Passed : RuleCheck.SenderConstraint;
    }
}
