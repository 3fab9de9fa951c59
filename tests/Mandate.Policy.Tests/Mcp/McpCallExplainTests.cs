using Mandate.Policy.Testing;
using static Mandate.Policy.Tests.Mcp.McpPolicies;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests.Mcp;

/// <summary><c>mandate policy explain</c> of an MCP tools/call: the gateway's decision, each rule's checks beside it.</summary>
public sealed class McpCallExplainTests
{
    private static readonly PolicySnapshot Payments = Load(McpPolicies.Payments);

    [Fact]
    public void ExplainMcpCall_LargeRefund_IsPendingByTheApprovalRuleNotAllowedByTheCredentialRule()
    {
        var call = Call("refund", ("amount", 250L));

        var (decision, rules) = PolicyExplainer.ExplainMcpCall(Payments, call);

        Assert.Equal(McpCallEngine.Evaluate(Payments, call), decision);
        Assert.Equal(("mcp-large-refunds", DecisionEffect.RequireApproval), (decision.RuleId, decision.Effect));
        Assert.Equal(["mcp-large-refunds"], rules.Where(r => r.Matched).Select(r => r.RuleId));
        var ordinary = rules.Single(r => r.RuleId == "support-payments-mcp");
        Assert.Contains(ordinary.Checks, c => c is { Check: "mcp", Passed: false });
    }

    [Fact]
    public void ExplainMcpCall_ConditionFalse_ShowsTheConditionWithItsValue()
    {
        var (decision, rules) = PolicyExplainer.ExplainMcpCall(Payments, Call("refund", ("amount", 40L)));

        Assert.Equal(("mcp-small-refunds", DecisionEffect.Allow), (decision.RuleId, decision.Effect));
        var large = rules.Single(r => r.RuleId == "mcp-large-refunds");
        Assert.Contains(large.Checks, c => c is { Check: "when", Passed: false } && c.Detail.EndsWith("= false", StringComparison.Ordinal));
    }

    [Fact]
    public void ExplainMcpCall_ConditionErrs_ApprovalRuleFailsClosed()
    {
        var (decision, rules) = PolicyExplainer.ExplainMcpCall(Payments, Call("refund", ("order", "o-1")));

        Assert.Equal(("mcp-large-refunds", DecisionEffect.RequireApproval), (decision.RuleId, decision.Effect));
        Assert.False(rules.Single(r => r.RuleId == "mcp-small-refunds").Matched);
        Assert.True(rules.Single(r => r.RuleId == "mcp-large-refunds").Matched);
    }
}
