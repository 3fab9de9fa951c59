using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests.Mcp;

/// <summary>Rules with mcp: decide tools/call only: an exchange never sees them, so they grant no credential.</summary>
public sealed class McpNeverForExchangeTests
{
    private static readonly PolicyInput Exchange = UserRequest with { Tool = "payments-mcp", Scopes = ["orders:read"] };

    [Fact]
    public void Evaluate_OnlyAnMcpAllowRule_GrantsNoCredential()
    {
        var policy = Load(Rules(Rule("mcp-all", "allow", Support, "payments-mcp", "mcp: {tools: ['*']}")));

        var decision = PolicyEngine.Evaluate(policy, Exchange);

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Null(decision.RuleId);
        Assert.Empty(decision.GrantedScopes);
    }

    [Fact]
    public void Evaluate_McpAllowForEveryToolAndAgent_GrantsNoCredential()
    {
        var policy = Load(Rules(Rule("mcp-everything", "allow", "spiffe://acme.example/**", "'*'", "tenant: any", "subject: any", "mcp: {tools: ['*']}")));

        Assert.Equal(DecisionEffect.Deny, PolicyEngine.Evaluate(policy, Exchange).Effect);
        Assert.Equal(DecisionEffect.Deny, PolicyEngine.Evaluate(policy, BackgroundRequest).Effect);
    }

    [Fact]
    public void Evaluate_McpApprovalRule_AsksNoApprovalForAnExchange()
    {
        var policy = Load(Rules(
            Rule("cred", "allow", Support, "payments-mcp", "scopes: [orders:read]"),
            Rule("mcp-approve", "require_approval", Support, "payments-mcp", "mcp: {tools: ['*']}")));

        var decision = PolicyEngine.Evaluate(policy, Exchange);

        Assert.Equal(("cred", DecisionEffect.Allow), (decision.RuleId, decision.Effect));
    }

    [Fact]
    public void Evaluate_McpDenyRule_DoesNotRefuseTheCredential()
    {
        var policy = Load(Rules(
            Rule("cred", "allow", Support, "payments-mcp", "scopes: [orders:read]"),
            Rule("mcp-deny", "deny", Support, "payments-mcp", "mcp: {tools: ['*']}")));

        Assert.Equal(("cred", DecisionEffect.Allow), (PolicyEngine.Evaluate(policy, Exchange).RuleId, PolicyEngine.Evaluate(policy, Exchange).Effect));
    }

    [Fact]
    public void Index_HoldsNoMcpRule_AndMcpIndexOnlyThem()
    {
        var policy = Load(Rules(
            Rule("cred", "allow", Support, "payments-mcp", "scopes: [orders:read]"),
            Rule("mcp-all", "allow", Support, "payments-mcp", "mcp: {tools: ['*']}")));

        Assert.Equal(["cred"], policy.Index.Find("payments-mcp", Support).Allows.Select(r => r.Id));
        Assert.Equal(["mcp-all"], policy.McpIndex.Find("payments-mcp", Support).Allows.Select(r => r.Id));
    }

    [Fact]
    public void Explain_McpRule_NeverMatchesAnExchange()
    {
        var policy = Load(Rules(Rule("mcp-all", "allow", Support, "payments-mcp", "mcp: {tools: ['*']}", "when: mcp.arguments.amount < 5")));

        var (decision, rules) = Testing.PolicyExplainer.Explain(policy, Exchange);

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.False(Assert.Single(rules).Matched);
        Assert.Contains(rules[0].Checks, c => c.Check == "mcp" && !c.Passed);
    }
}
