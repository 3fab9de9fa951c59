using static Mandate.Policy.Tests.Mcp.McpPolicies;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests.Mcp;

/// <summary>tools/list visibility: a tool is listed when some allow or approval rule names it for the caller.</summary>
public sealed class McpMayListTests
{
    private static string Rule(string id, string effect, params string[] keys) => PolicyTestData.Rule(id, effect, Support, "payments-mcp", keys);

    [Theory]
    [InlineData("lookup_order", true)]
    [InlineData("refund", true)]
    [InlineData("delete_customer", false)]
    public void MayList_AgreedPolicy_ListsToolsSomeRuleNames(string tool, bool listed)
    {
        Assert.Equal(listed, McpCallEngine.MayList(Load(McpPolicies.Payments), Call(tool)));
    }

    [Fact]
    public void MayList_ConditionalAllow_IsListedWhateverTheCondition()
    {
        var policy = Load(Rules(Rule("never", "allow", "mcp: {tools: [refund]}", "when: mcp.arguments.amount < 0")));

        Assert.True(McpCallEngine.MayList(policy, Call("refund")));
    }

    [Fact]
    public void MayList_UnconditionalDeny_HidesTheTool()
    {
        var policy = Load(Rules(Rule("all", "allow", "mcp: {tools: ['*']}"), Rule("no-refunds", "deny", "mcp: {tools: [refund]}")));

        Assert.False(McpCallEngine.MayList(policy, Call("refund")));
        Assert.True(McpCallEngine.MayList(policy, Call("lookup_order")));
    }

    [Fact]
    public void MayList_ConditionalDeny_LeavesTheToolListed()
    {
        var policy = Load(Rules(Rule("all", "allow", "mcp: {tools: ['*']}"), Rule("cap", "deny", "mcp: {tools: [refund]}", "when: mcp.arguments.amount > 1000")));

        Assert.True(McpCallEngine.MayList(policy, Call("refund")));
    }

    [Fact]
    public void MayList_AnotherCaller_SeesNothing()
    {
        var policy = Load(McpPolicies.Payments);

        Assert.False(McpCallEngine.MayList(policy, Call("lookup_order") with { Agent = Research }));
        Assert.False(McpCallEngine.MayList(policy, Call("lookup_order") with { Subject = SubjectKind.Agent, User = null }));
    }

    [Fact]
    public void MayList_OnlyAnOrdinaryRule_ListsNothing()
    {
        var policy = Load(Rules(Rule("cred", "allow", "scopes: [orders:read]")));

        Assert.False(McpCallEngine.MayList(policy, Call("lookup_order")));
    }
}
