using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>Refusals that name what the closest rule required: tenant, scopes, subject, environment.</summary>
public sealed partial class PolicyEngineTests
{
    [Fact]
    public void Evaluate_WrongTenant_RefusesNamingRuleAndBothTenants()
    {
        var policy = Load(Rules(Rule("support-refunds-own-tenant", "allow", Support, "refunds", "tenant: same_as_user")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tenant = "globex" });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Equal(
            "rule 'support-refunds-own-tenant' requires tenant == the user's tenant (requested 'globex', user's 'acme')",
            decision.Reason);
        Assert.Equal("request the user's own tenant, or add a rule that allows cross-tenant access", decision.Remedy);
    }

    [Fact]
    public void Evaluate_OmittedTenantOnAllow_DefaultsToUsersTenant()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tenant = "globex" });

        Assert.False(decision.IsAllowed);
        Assert.Contains("requires tenant == the user's tenant", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SameAsUserTenantForBackgroundWork_RefusesSayingThereIsNoUserTenant()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "subject: any")));

        var decision = PolicyEngine.Evaluate(policy, BackgroundRequest);

        Assert.False(decision.IsAllowed);
        Assert.Equal(
            "rule 'support-refunds' requires tenant == the user's tenant, but the request has no user tenant (requested 'acme')",
            decision.Reason);
    }

    [Fact]
    public void Evaluate_TenantNotInList_RefusesNamingAllowedTenants()
    {
        var policy = Load(Rules(Rule("report", "allow", NightlyReport, "billing", "subject: agent", "tenant: [acme, initech]")));
        var input = BackgroundRequest with { Agent = NightlyReport, Tool = "billing", Tenant = "globex" };

        var decision = PolicyEngine.Evaluate(policy, input);

        Assert.False(decision.IsAllowed);
        Assert.Equal("rule 'report' allows tenants acme, initech (requested 'globex')", decision.Reason);
        Assert.Equal("request one of those tenants, or add 'globex' to the tenants of rule 'report'", decision.Remedy);
    }

    [Fact]
    public void Evaluate_ReadOnlyRuleAskedForWrite_RefusesNamingTheScope()
    {
        var policy = Load(Rules(Rule("research-reads-crm", "allow", Research, "crm", "scopes: [crm:read]")));
        var input = UserRequest with { Agent = Research, Tool = "crm", Scopes = ["crm:read", "crm:write"] };

        var decision = PolicyEngine.Evaluate(policy, input);

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Equal("scope 'crm:write' is not allowed by rule 'research-reads-crm' (allows crm:read)", decision.Reason);
        Assert.Equal("request only scopes rule 'research-reads-crm' allows (crm:read), or add a rule that grants 'crm:write'", decision.Remedy);
        Assert.Empty(decision.GrantedScopes);
    }

    [Fact]
    public void Evaluate_SeveralScopesNotAllowed_NamesEachOnce()
    {
        var policy = Load(Rules(Rule("research-reads-crm", "allow", Research, "crm", "scopes: [crm:read]")));
        var input = UserRequest with { Agent = Research, Tool = "crm", Scopes = ["crm:write", "crm:delete", "crm:write"] };

        var decision = PolicyEngine.Evaluate(policy, input);

        Assert.Equal("scopes 'crm:write', 'crm:delete' are not allowed by rule 'research-reads-crm' (allows crm:read)", decision.Reason);
    }

    [Fact]
    public void Evaluate_BackgroundWorkUnderUserRule_RefusesNamingSubject()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "tenant: any")));

        var decision = PolicyEngine.Evaluate(policy, BackgroundRequest);

        Assert.False(decision.IsAllowed);
        Assert.Equal(
            "rule 'support-refunds' applies only to requests on behalf of a user, but this request is background work with no user",
            decision.Reason);
        Assert.Contains("subject: agent", decision.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UserRequestUnderBackgroundRule_RefusesNamingSubject()
    {
        var policy = Load(Rules(Rule("support-background", "allow", Support, "refunds", "subject: agent", "tenant: any")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Equal(
            "rule 'support-background' applies only to background work (subject: agent), but this request is on behalf of a user",
            decision.Reason);
    }

    [Fact]
    public void Evaluate_BackgroundRuleWithListedTenant_AllowsBackgroundWork()
    {
        var policy = Load(Rules(Rule("report", "allow", NightlyReport, "billing", "subject: agent", "tenant: [acme]")));
        var input = BackgroundRequest with { Agent = NightlyReport, Tool = "billing" };

        var decision = PolicyEngine.Evaluate(policy, input);

        Assert.True(decision.IsAllowed);
        Assert.Equal("report", decision.RuleId);
    }

    [Fact]
    public void Evaluate_SubjectAny_AllowsUserAndBackgroundWork()
    {
        var policy = Load(Rules(Rule("support-any", "allow", Support, "refunds", "subject: any", "tenant: any")));

        Assert.True(PolicyEngine.Evaluate(policy, UserRequest).IsAllowed);
        Assert.True(PolicyEngine.Evaluate(policy, BackgroundRequest).IsAllowed);
    }

    [Fact]
    public void Evaluate_EnvironmentNotListed_RefusesNamingEnvironments()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "environments: [dev, staging]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Equal("rule 'support-refunds' applies only in environments dev, staging (this broker runs in 'prod')", decision.Reason);
        Assert.Equal("use a broker running in dev, staging, or add 'prod' to the environments of rule 'support-refunds'", decision.Remedy);
    }

    [Fact]
    public void Evaluate_EnvironmentListed_Allows()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "environments: [dev, prod]")));

        Assert.True(PolicyEngine.Evaluate(policy, UserRequest).IsAllowed);
    }

    [Fact]
    public void Evaluate_SeveralNearMisses_ExplainsTheRuleThatGotFurthest()
    {
        var policy = Load(Rules(
            Rule("dev-only", "allow", Support, "refunds", "environments: [dev]"),
            Rule("read-only", "allow", Support, "refunds", "scopes: [refunds:read]"),
            Rule("other-tenant", "allow", Support, "refunds", "tenant: [initech]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Scopes = ["refunds:write"] });

        Assert.False(decision.IsAllowed);
        Assert.Equal("scope 'refunds:write' is not allowed by rule 'read-only' (allows refunds:read)", decision.Reason);
    }

    [Fact]
    public void Evaluate_AllowWithoutScopes_AllowsAnyRequestedScopes()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));
        var input = UserRequest with { Scopes = ["refunds:read", "refunds:write", "refunds:admin"] };

        var decision = PolicyEngine.Evaluate(policy, input);

        Assert.True(decision.IsAllowed);
        Assert.Same(input.Scopes, decision.GrantedScopes);
    }

    [Fact]
    public void Evaluate_ThousandRules_FindsTheOneRuleForAgentAndTool()
    {
        var rules = Enumerable.Range(0, 1000).Select(i =>
            Rule($"r{i}", "allow", $"spiffe://acme.example/agents/a{i % 50}", $"tool{i / 50}", "tenant: any", $"max_lifetime: {i + 1}s"));
        var policy = Load(Rules([.. rules]));

        var hit = PolicyEngine.Evaluate(policy, UserRequest with { Agent = "spiffe://acme.example/agents/a7", Tool = "tool13" });
        var miss = PolicyEngine.Evaluate(policy, UserRequest with { Agent = "spiffe://acme.example/agents/a7", Tool = "tool20" });

        Assert.Equal("r657", hit.RuleId);
        Assert.Equal(TimeSpan.FromSeconds(658), hit.MaxLifetime);
        Assert.False(miss.IsAllowed);
        Assert.StartsWith("no rule allows agent", miss.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NullArguments_Throw()
    {
        var policy = Load("rules: []\n");

        Assert.Throws<ArgumentNullException>(() => PolicyEngine.Evaluate(null!, UserRequest));
        Assert.Throws<ArgumentNullException>(() => PolicyEngine.Evaluate(policy, null!));
    }
}
