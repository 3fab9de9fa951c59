using Mandate.Policy.Tests.Mcp;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// docs/policy.md (Tools, scopes, tenants, environments): an empty tool name matches no rule, not even <c>'*'</c>; an
/// empty environment is no environment: outside every list an allow rule names, inside every list a deny rule names.
/// </summary>
public sealed class PolicyNameMatchingTests
{
    [Fact]
    public void Evaluate_EmptyToolName_IsNotMatchedByAnyToolRule()
    {
        var policy = Load(Rules(Rule("support-everything", "allow", Support, "'*'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tool = "" });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
    }

    [Fact]
    public void Evaluate_NamedTool_IsStillMatchedByAnyToolRule()
    {
        var policy = Load(Rules(Rule("support-everything", "allow", Support, "'*'")));

        Assert.True(PolicyEngine.Evaluate(policy, UserRequest).IsAllowed);
    }

    [Fact]
    public void McpEvaluate_EmptyMcpToolName_IsNotMatchedByAnyMcpToolRule()
    {
        var policy = Load("""
            rules:
              - id: any-payments-tool
                reason: Every tool of the payments server.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [payments-mcp]
                mcp: { tools: ['*'] }
            """);

        Assert.True(McpCallEngine.Evaluate(policy, McpPolicies.Call("refund")).IsAllowed);
        var decision = McpCallEngine.Evaluate(policy, McpPolicies.Call(""));
        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.False(McpCallEngine.MayList(policy, McpPolicies.Call("")));
    }

    [Fact]
    public void Evaluate_EmptyEnvironment_DoesNotEscapeADenyThatListsEnvironments()
    {
        var policy = Load(Rules(
            Rule("no-refunds-in-prod", "deny", Support, "refunds", "environments: [prod]"),
            Rule("support-refunds", "allow", Support, "refunds", "tenant: any")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Environment = "" });

        Assert.False(decision.IsAllowed);
        Assert.Equal("no-refunds-in-prod", decision.RuleId);
    }

    [Fact]
    public void McpEvaluate_EmptyEnvironment_DoesNotEscapeADenyThatListsEnvironments()
    {
        var policy = Load("""
            rules:
              - id: no-refund-calls-in-prod
                reason: No refund calls in production.
                effect: deny
                agents: ["spiffe://acme.example/agents/support"]
                tools: [payments-mcp]
                environments: [prod]
                mcp: { tools: [refund] }
              - id: refund-calls
                reason: Refund calls.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [payments-mcp]
                mcp: { tools: [refund] }
            """);

        var decision = McpCallEngine.Evaluate(policy, McpPolicies.Call("refund") with { Environment = "" });

        Assert.False(decision.IsAllowed);
        Assert.Equal("no-refund-calls-in-prod", decision.RuleId);
    }

    [Fact]
    public void Evaluate_EmptyEnvironment_IsOutsideTheEnvironmentsOfAnAllow()
    {
        var policy = Load(Rules(Rule("support-refunds-in-prod", "allow", Support, "refunds", "environments: [prod]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Environment = "" });

        Assert.False(decision.IsAllowed);
        Assert.Contains("applies only in environments prod", decision.Reason, StringComparison.Ordinal);
    }
}
