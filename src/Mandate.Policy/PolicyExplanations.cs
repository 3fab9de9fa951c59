namespace Mandate.Policy;

/// <summary>
/// Writes refusals so the person reading one knows which check failed and what would make it
/// pass. The text names rules, agents, tools, tenants and scopes; the input holds nothing secret.
/// Where the operator's text quotes policy content the caller has no business reading (the other
/// tenants a rule covers, a long condition), the caller's text names the rule and its own request only.
/// </summary>
internal static class PolicyExplanations
{
    public static Decision DeniedByRule(PolicySnapshot policy, PolicyRule rule, PolicyInput input, Expressions.CelError? conditionError = null)
    {
        if (conditionError is not null)
        {
            return Deny(
                policy,
                rule.Id,
                $"{rule.DeniedReason} (its condition could not be evaluated: {conditionError.Message}; a deny rule fails closed)",
                $"fix the condition of rule '{rule.Id}' or supply what it reads");
        }

        if (rule.ScopeSet is null)
        {
            return Deny(
                policy,
                rule.Id,
                rule.DeniedReason,
                $"this request is explicitly denied; an allow rule cannot override a deny, so if it should be allowed, change rule '{rule.Id}'");
        }

        var denied = input.Scopes.Where(rule.ScopeSet.Contains).Distinct(StringComparer.Ordinal).ToList();
        var noun = denied.Count == 1 ? "scope" : "scopes";
        return Deny(
            policy,
            rule.Id,
            $"{rule.DeniedReason} (denied {noun} {Quoted(denied)})",
            $"request without {noun} {Quoted(denied)}") with { ScopeDenied = true };
    }

    public static Decision NoRule(PolicySnapshot policy, PolicyInput input) => Deny(
        policy,
        ruleId: null,
        $"no rule allows agent '{input.Agent}' to use tool '{input.Tool}'",
        "add an allow rule for this agent and tool to the policy");

    public static Decision NearMiss(PolicySnapshot policy, PolicyRule rule, RuleCheck failed, PolicyInput input)
    {
        var text = failed switch
        {
            RuleCheck.Environment => RefusalText.Same(Environment(rule, input)),
            RuleCheck.Subject => RefusalText.Same(Subject(rule, input)),
            RuleCheck.Tenant => Tenant(rule, input),
            RuleCheck.Condition => PolicyConditionExplanations.Condition(rule, input),
            RuleCheck.Rate => RefusalText.Same(PolicyConditionExplanations.Rate(rule, input)),
            RuleCheck.SenderConstraint => RefusalText.Same(rule.ExplainSenderConstraint(input)),
            _ when rule.ScopeSet is null || rule.AllowsAllScopes(input.Scopes) => RefusalText.Same(PolicyConditionExplanations.NothingGranted(rule, input)),
            _ => RefusalText.Same(Scopes(rule, input)),
        };

        // Default deny: no rule decided, so RuleId stays null even though the text names the nearest rule.
        return Deny(policy, ruleId: null, text.Reason, text.Remedy) with
        {
            CallerReason = text.CallerReason ?? text.Reason,
            CallerRemedy = text.CallerRemedy ?? text.Remedy,
            ScopeDenied = failed == RuleCheck.Scopes,
        };
    }

    private static (string Reason, string Remedy) Environment(PolicyRule rule, PolicyInput input)
    {
        var allowed = string.Join(", ", rule.Environments!);
        return (
            $"rule '{rule.Id}' applies only in environments {allowed} (this broker runs in '{input.Environment}')",
            $"use a broker running in {allowed}, or add '{input.Environment}' to the environments of rule '{rule.Id}'");
    }

    private static (string Reason, string Remedy) Subject(PolicyRule rule, PolicyInput input) =>
        input.Subject == SubjectKind.Agent
            ? ($"rule '{rule.Id}' applies only to requests on behalf of a user, but this request is background work with no user",
               "send the user's token as the subject token, or add a rule with subject: agent for background work")
            : ($"rule '{rule.Id}' applies only to background work (subject: agent), but this request is on behalf of a user",
               "request as the agent itself, or add a rule with subject: user");

    private static RefusalText Tenant(PolicyRule rule, PolicyInput input)
    {
        if (rule.Tenant == TenantMatch.Listed)
        {
            // The list names other customers: the operator reads it, the caller of another tenant does not.
            var noun = rule.Tenants.Length == 1 ? "tenant" : "tenants";
            return new(
                $"rule '{rule.Id}' allows {noun} {string.Join(", ", rule.Tenants)} (requested '{input.Tenant}')",
                $"request one of those tenants, or add '{input.Tenant}' to the tenants of rule '{rule.Id}'")
            {
                CallerReason = $"rule '{rule.Id}' does not cover tenant '{input.Tenant}'",
                CallerRemedy = $"request a tenant rule '{rule.Id}' covers, or ask an operator to add '{input.Tenant}' to its tenants",
            };
        }

        // The only tenants named are the caller's own: the one it asked for and its user's.
        return RefusalText.Same(string.IsNullOrEmpty(input.UserTenant)
            ? ($"rule '{rule.Id}' requires tenant == the user's tenant, but the request has no user tenant (requested '{input.Tenant}')",
               "send a user token that carries a tenant, or add a rule that lists the tenants background work may use")
            : ($"rule '{rule.Id}' requires tenant == the user's tenant (requested '{input.Tenant}', user's '{input.UserTenant}')",
               "request the user's own tenant, or add a rule that allows cross-tenant access"));
    }

    private static (string Reason, string Remedy) Scopes(PolicyRule rule, PolicyInput input)
    {
        var allowedSet = rule.ScopeSet!;
        var refused = input.Scopes.Where(s => !allowedSet.Contains(s)).Distinct(StringComparer.Ordinal).ToList();
        var allowed = string.Join(", ", rule.Scopes!);
        var reason = refused.Count == 1
            ? $"scope {Quoted(refused)} is not allowed by rule '{rule.Id}' (allows {allowed})"
            : $"scopes {Quoted(refused)} are not allowed by rule '{rule.Id}' (allows {allowed})";
        return (reason, $"request only scopes rule '{rule.Id}' allows ({allowed}), or add a rule that grants {Quoted(refused)}");
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));

    private static Decision Deny(PolicySnapshot policy, string? ruleId, string reason, string remedy) => new()
    {
        Effect = DecisionEffect.Deny,
        RuleId = ruleId,
        Reason = reason,
        Remedy = remedy,
        PolicyVersion = policy.Version,
    };
}
