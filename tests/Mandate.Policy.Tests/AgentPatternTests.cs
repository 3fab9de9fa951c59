using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed class AgentPatternTests
{
    [Theory]
    [InlineData("spiffe://acme.example/agents/support", "spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/*/support", "spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents/research/eu/web")]
    [InlineData("spiffe://acme.example/**", "spiffe://acme.example/jobs/nightly-report")]
    [InlineData("spiffe://acme.example/agents/*/web", "spiffe://acme.example/agents/research/web")]
    public void Matches_AgentFitsPattern_ReturnsTrue(string pattern, string agent)
    {
        Assert.True(Parse(pattern).Matches(agent));
    }

    [Theory]
    [InlineData("spiffe://acme.example/agents/support", "spiffe://acme.example/agents/support-v2")]
    [InlineData("spiffe://acme.example/agents/support", "spiffe://acme.example/agents/support/eu")]
    [InlineData("spiffe://acme.example/agents/support", "spiffe://acme.example/agents/Support")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/research/web")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents")]
    [InlineData("spiffe://acme.example/agents/*", "spiffe://acme.example/agents/")]
    [InlineData("spiffe://acme.example/*/support", "spiffe://acme.example/agents/eu/support")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://acme.example/agents/")]
    [InlineData("spiffe://acme.example/agents/**", "spiffe://globex.example/agents/support")]
    [InlineData("spiffe://acme.example/**", "spiffe://acme.example.evil/agents/support")]
    [InlineData("spiffe://acme.example/**", "spiffe://acme.examplex/agents/support")]
    [InlineData("spiffe://acme.example/agents/*", "https://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/*", "")]
    public void Matches_AgentOutsidePattern_ReturnsFalse(string pattern, string agent)
    {
        Assert.False(Parse(pattern).Matches(agent));
    }

    [Theory]
    [InlineData("acme.example/agents/support", "must be a SPIFFE ID")]
    [InlineData("spiffe:///agents/support", "no trust domain")]
    [InlineData("spiffe://*/agents/support", "wildcard in the trust domain")]
    [InlineData("spiffe://*.acme.example/agents/support", "wildcard in the trust domain")]
    [InlineData("spiffe://ACME.example/agents/support", "invalid trust domain")]
    [InlineData("spiffe://acme.example/agents/support-*", "'*' inside segment 'support-*'")]
    [InlineData("spiffe://acme.example/agents/***", "'*' inside segment '***'")]
    [InlineData("spiffe://acme.example/**/support", "'**' before the last segment")]
    [InlineData("spiffe://acme.example/agents//support", "empty path segment")]
    [InlineData("spiffe://acme.example/agents/", "empty path segment")]
    [InlineData("spiffe://acme.example/agents/sup?port", "invalid path segment 'sup?port'")]
    [InlineData("spiffe://acme.example/agents/../admin", "invalid path segment '..'")]
    public void TryParse_BadPattern_FailsSayingWhy(string pattern, string expected)
    {
        Assert.False(AgentPattern.TryParse(pattern, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_GlobRule_AllowsAgentsOneSegmentBelowOnly()
    {
        var policy = Load(Rules(Rule("research", "allow", "spiffe://acme.example/agents/research/*", "crm")));
        var request = UserRequest with { Tool = "crm" };

        Assert.True(PolicyEngine.Evaluate(policy, request with { Agent = "spiffe://acme.example/agents/research/web" }).IsAllowed);
        Assert.False(PolicyEngine.Evaluate(policy, request with { Agent = "spiffe://acme.example/agents/research/web/eu" }).IsAllowed);
        Assert.False(PolicyEngine.Evaluate(policy, request with { Agent = "spiffe://acme.example/agents/research" }).IsAllowed);
    }

    [Fact]
    public void Evaluate_ExactAndGlobRulesForSameTool_KeepFileOrder()
    {
        var policy = Load(Rules(
            Rule("any-research", "allow", "spiffe://acme.example/agents/research/**", "crm", "max_lifetime: 1m"),
            Rule("web-research", "allow", "spiffe://acme.example/agents/research/web", "crm", "max_lifetime: 1h")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Agent = Research, Tool = "crm" });

        Assert.Equal("any-research", decision.RuleId);
    }

    [Fact]
    public void Evaluate_GlobDenyForEveryTool_DeniesEvenWhenExactAllowComesFirst()
    {
        var policy = Load(Rules(
            Rule("web-research", "allow", Research, "crm"),
            Rule("quarantine-research", "deny", "spiffe://acme.example/agents/research/**", "'*'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Agent = Research, Tool = "crm" });

        Assert.False(decision.IsAllowed);
        Assert.Equal("quarantine-research", decision.RuleId);
    }

    private static AgentPattern Parse(string pattern)
    {
        Assert.True(AgentPattern.TryParse(pattern, out var parsed, out var error), error);
        return parsed!;
    }
}
