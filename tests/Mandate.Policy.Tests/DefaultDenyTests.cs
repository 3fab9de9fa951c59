using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// Invariant 1, default deny, against policy text that looks as if it allowed more: a misspelt key, a tool name
/// written like a pattern, scope tokens in another case (RFC 6749 §3.3: case-sensitive), and a file holding only
/// deny rules. None of them may widen what an allow rule grants.
/// </summary>
[Trait("Invariant", "1")]
public sealed class DefaultDenyTests
{
    [Theory]
    [InlineData("scope: [refunds:read]", "rules[0].scope", "did you mean 'scopes'?")]
    [InlineData("tenants: [acme]", "rules[0].tenants", "did you mean 'tenant'?")]
    [InlineData("environment: [prod]", "rules[0].environment", "did you mean 'environments'?")]
    [InlineData("max_ttl: 5m", "rules[0].max_ttl", "unknown key 'max_ttl'")]
    public void Invariant1_MisspeltNarrowingKey_RefusesThePolicyInsteadOfIgnoringTheKey(string line, string path, string message)
    {
        // Ignored, each of these would leave an allow rule with no limit on scope, tenant, environment or lifetime.
        var problem = Single(Problems(Rules(Rule("support-refunds", "allow", Support, "refunds", line))), path);

        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scopes: ~", "rules[0].scopes")]
    [InlineData("scopes:", "rules[0].scopes")]
    [InlineData("tenant: ~", "rules[0].tenant")]
    [InlineData("environments:", "rules[0].environments")]
    [InlineData("max_lifetime: ~", "rules[0].max_lifetime")]
    public void Invariant1_NarrowingKeyWithNoValue_RefusesThePolicyInsteadOfMeaningAny(string line, string path)
    {
        // An omitted key widens an allow rule to "any"; a key written with no value must not be read as omitted.
        var problem = Single(Problems(Rules(Rule("support-refunds", "allow", Support, "refunds", line))), path);

        Assert.Contains("found nothing", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("refund*")]
    [InlineData("\"refunds*\"")]
    [InlineData("\"*refunds\"")]
    public void Invariant1_ToolNameWrittenAsAPrefixPattern_IsRefusedNotAWildcard(string tool)
    {
        var problem = Single(Problems(Rules(Rule("support-refunds", "allow", Support, tool))), "rules[0].tools[0]");

        Assert.Contains("tool names are exact", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("refunds-admin")]
    [InlineData("refunds ")]
    [InlineData("Refunds")]
    public void Invariant1_AllowForOneTool_DoesNotMatchALookAlikeTool(string tool)
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tool = tool });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
    }

    [Theory]
    [InlineData("REFUNDS:READ")]
    [InlineData("Refunds:read")]
    [InlineData("refunds:read ")]
    [InlineData("refunds:rea")]
    [InlineData("refunds:read:all")]
    public void Invariant1_ScopeThatOnlyResemblesTheAllowedOne_IsNotGranted(string scope)
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "scopes: [refunds:read]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Scopes = [scope] });

        Assert.False(decision.IsAllowed);
        Assert.Empty(decision.GrantedScopes);
    }

    [Fact]
    public void Invariant1_PolicyOfOnlyDenyRules_DeniesByDefaultWhatNoDenyNames()
    {
        var policy = Load(Rules(Rule("no-research", "deny", Research, "'*'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Empty(decision.GrantedScopes);
    }

    [Fact]
    public void Invariant1_AllowWithGrantScopes_NeverGrantsAScopeThatWasNotRequested()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds",
            "scopes: [refunds:read, refunds:write]", "grant_scopes: [refunds:read, refunds:write]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Scopes = ["refunds:read"] });

        Assert.True(decision.IsAllowed);
        Assert.Equal(["refunds:read"], decision.GrantedScopes);
    }
}
