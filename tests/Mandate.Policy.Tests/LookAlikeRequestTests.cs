using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// Invariant 1, default deny, against request values that only look like the ones a rule names: another case, padding,
/// a Cyrillic or full-width letter, a decomposed (NFD) form, a trailing dot, or nothing at all. Matching is ordinal, so
/// none of them matches; a wildcard stands only for SPIFFE path segments.
/// </summary>
[Trait("Invariant", "1")]
public sealed class LookAlikeRequestTests
{
    public static TheoryData<string> LookAlikeTenants => ["", " acme", "acme ", "Acme", "\u0430cme", "\uFF41cme", "acme.", "acme\u200B"];

    [Theory]
    [MemberData(nameof(LookAlikeTenants))]
    public void Invariant1_ListedTenant_DoesNotMatchALookAlike(string tenant)
    {
        var policy = Load(Rules(Rule("report", "allow", Support, "refunds", "tenant: [acme]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tenant = tenant, UserTenant = tenant });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
    }

    [Theory]
    [MemberData(nameof(LookAlikeTenants))]
    public void Invariant1_SameAsUser_DoesNotMatchALookAlikeOfTheUsersTenant(string tenant)
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tenant = tenant });

        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Invariant1_SameAsUser_EmptyTenantAndEmptyUserTenant_DoNotMatch()
    {
        // An empty user tenant is a missing one; equal to an empty request tenant, it once made any user a member.
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tenant = "", UserTenant = "" });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Contains("the request has no user tenant", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Refunds")]
    [InlineData("r\u0435funds")]
    [InlineData("\uFF52efunds")]
    [InlineData("refunds.")]
    [InlineData("refunds/")]
    [InlineData("refunds/../refunds")]
    [InlineData("")]
    public void Invariant1_ToolLookAlike_DoesNotMatchTheNamedTool(string tool)
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "tenant: any")));

        Assert.False(PolicyEngine.Evaluate(policy, UserRequest with { Tool = tool }).IsAllowed);
    }

    [Theory]
    [InlineData("PROD")]
    [InlineData("prod ")]
    [InlineData("pr\u043Ed")]
    [InlineData("")]
    public void Invariant1_EnvironmentLookAlike_DoesNotMatchTheListedEnvironment(string environment)
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "environments: [prod]")));

        Assert.False(PolicyEngine.Evaluate(policy, UserRequest with { Environment = environment }).IsAllowed);
    }

    [Theory]
    [InlineData("r\u0435funds:read")]
    [InlineData("\uFF52efunds:read")]
    [InlineData("refunds:read\u00A0")]
    [InlineData("refunds:rea\u0064\u0307")]
    public void Invariant1_ScopeInAnotherScript_IsNotGranted(string scope)
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "scopes: [refunds:read]")));

        Assert.False(PolicyEngine.Evaluate(policy, UserRequest with { Scopes = [scope] }).IsAllowed);
    }

    [Theory]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/..")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/.")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/%2e%2e")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/support ")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/\u0455upport")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/support?x")]
    [InlineData("spiffe://acme.example/*/support", "spiffe://acme.example/./support")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents/../admin")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents//support")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents/support/")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents/support#x")]
    public void Invariant1_AgentWildcard_DoesNotMatchWhatIsNoSpiffePathSegment(string pattern, string agent)
    {
        // SPIFFE ID §2.2: segments are [A-Za-z0-9._-], never empty, '.' or '..'; '*' and '**' stand for segments only.
        var policy = Load(Rules(Rule("agents-refunds", "allow", pattern, "refunds", "tenant: any")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Agent = agent });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
    }
}
