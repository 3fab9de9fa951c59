namespace Mandate.Policy;

/// <summary>Refusal text for rules that failed their condition, their rate limit or granted nothing.</summary>
internal static class PolicyConditionExplanations
{
    /// <summary>
    /// Names the rule and that its condition is false (or erred), which is how the caller fixes its request; the caller's
    /// text quotes at most <see cref="QuotedText.MaxQuotedCondition"/> characters of the source, the operator's all of it.
    /// </summary>
    public static RefusalText Condition(PolicyRule rule, PolicyInput input)
    {
        var result = rule.EvaluateCondition(PolicyExpressionContext.Build(input));
        var source = rule.Condition!.Source;
        var remedy = $"make the request satisfy the condition of rule '{rule.Id}' (see `mandate policy explain`)";
        return new(Why(source), remedy) { CallerReason = Why(QuotedText.Capped(source, QuotedText.MaxQuotedCondition)) };

        string Why(string quoted) => result.Error is { } error
            ? $"the condition of rule '{rule.Id}' could not be evaluated ({error.Message}), so the rule does not apply: when: {quoted}"
            : $"rule '{rule.Id}' requires when: {quoted} (it is false for this request)";
    }

    public static (string Reason, string Remedy) Rate(PolicyRule rule, PolicyInput input)
    {
        var limit = rule.RateLimit!;
        var resets = limit.WindowStart(input.Now) + limit.Window;
        return (
            $"rule '{rule.Id}' allows at most {limit.Max} credential{(limit.Max == 1 ? "" : "s")} per {limit.Per.ToString().ToLowerInvariant()} per {PolicyDuration.Format(limit.Window)}; the limit is reached and the window resets at {resets.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}",
            $"wait until {resets.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, or raise rate_limit.max of rule '{rule.Id}'");
    }

    public static (string Reason, string Remedy) NothingGranted(PolicyRule rule, PolicyInput input) => (
        $"rule '{rule.Id}' grants only {string.Join(", ", rule.GrantScopes ?? [])}, none of which was requested ({string.Join(", ", input.Scopes)})",
        $"request one of the scopes rule '{rule.Id}' grants");
}
