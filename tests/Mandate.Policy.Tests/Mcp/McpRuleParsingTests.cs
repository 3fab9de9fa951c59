using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests.Mcp;

/// <summary>The <c>mcp:</c> key of a rule and the <c>mcp</c> variable of its condition, read at load.</summary>
public sealed class McpRuleParsingTests
{
    private static string McpRule(string effect, params string[] keys) => Rules(Rule("r", effect, Support, "payments-mcp", keys));

    [Fact]
    public void Load_McpRule_ReadsToolsAndRecordArguments()
    {
        var rule = Load(McpRule("require_approval", "mcp: {tools: [refund, lookup_order], record_arguments: true}")).Rules[0];

        Assert.Equal(["refund", "lookup_order"], rule.Mcp!.Tools.ToArray());
        Assert.True(rule.Mcp.RecordArguments);
        Assert.True(rule.Mcp.Names("refund"));
        Assert.False(rule.Mcp.Names("Refund"));
    }

    [Fact]
    public void Load_McpRuleWithoutRecordArguments_DefaultsToFalse()
    {
        var rule = Load(McpRule("allow", "mcp: {tools: ['*']}")).Rules[0];

        Assert.False(rule.Mcp!.RecordArguments);
        Assert.True(rule.Mcp.Names("anything"));
    }

    [Fact]
    public void Load_OrdinaryRule_HasNoMcp()
    {
        Assert.Null(Load(McpRule("allow", "scopes: [orders:read]")).Rules[0].Mcp);
    }

    [Fact]
    public void Load_McpUnknownKey_IsAProblemWithItsLine()
    {
        var problem = Single(Problems(McpRule("allow", "mcp:", "  tools: [refund]", "  record_args: true")), "rules[0].mcp.record_args");

        Assert.Equal(9, problem.Line);
        Assert.Contains("unknown key 'record_args'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("record_arguments", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_McpEmptyToolList_IsAProblem()
    {
        var problem = Single(Problems(McpRule("allow", "mcp: {tools: []}")), "rules[0].mcp.tools");

        Assert.Equal(7, problem.Line);
        Assert.Contains("must not be an empty list", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_McpWithoutTools_IsAProblem()
    {
        var problem = Single(Problems(McpRule("allow", "mcp: {record_arguments: false}")), "rules[0].mcp");

        Assert.Contains("missing 'tools'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mcp: [refund]")]
    [InlineData("mcp: refund")]
    [InlineData("mcp: {tools: [\"ref und\"]}")]
    [InlineData("mcp: {tools: [\"refund*\"]}")]
    [InlineData("mcp: {tools: [refund], record_arguments: yes please}")]
    public void Load_MalformedMcp_IsAProblem(string mcp)
    {
        Assert.NotEmpty(Problems(McpRule("allow", mcp)));
    }

    [Fact]
    public void Load_ScopesOnMcpRule_IsAProblemAtTheScopesLine()
    {
        var problem = Single(Problems(McpRule("allow", "mcp: {tools: [refund]}", "scopes: [refunds:write]")), "rules[0].scopes");

        Assert.Equal(8, problem.Line);
        Assert.Contains("credential's scopes come from the ordinary rule that granted it", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HttpTogetherWithMcp_IsAProblem()
    {
        var problem = Single(Problems(McpRule("allow", "http: [\"GET /v1/orders\"]", "mcp: {tools: [refund]}")), "rules[0].http");

        Assert.Equal(7, problem.Line);
        Assert.Contains("grants no credential, so http does not apply", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grant_scopes: [refunds:write]")]
    [InlineData("rate_limit: {per: user, max: 5, window: 1h}")]
    [InlineData("max_lifetime: 5m")]
    [InlineData("sender_constraint: dpop")]
    public void Load_CredentialKeyOnMcpRule_IsAProblem(string key)
    {
        var problems = Problems(McpRule("allow", "mcp: {tools: [refund]}", key));

        Assert.Contains(problems, p => p.Line == 8 && p.Message.Contains("grants no credential", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DenyMcpRuleRecordingArguments_IsAProblem()
    {
        var problem = Single(Problems(McpRule("deny", "mcp: {tools: [refund], record_arguments: true}")), "rules[0].mcp.record_arguments");

        Assert.Equal(7, problem.Line);
        Assert.Contains("deny rule", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DenyMcpRuleWithRecordArgumentsFalse_IsValid()
    {
        Assert.Equal(DecisionEffect.Deny, Load(McpRule("deny", "mcp: {tools: [refund], record_arguments: false}")).Rules[0].Effect);
    }

    [Fact]
    public void Load_McpVariableInOrdinaryRule_IsATypeErrorNamingMcpRules()
    {
        var problem = Single(Problems(McpRule("allow", "when: mcp.arguments.amount <= 100")), "rules[0].when");

        Assert.Equal(7, problem.Line);
        Assert.Contains("'mcp' is known only in rules with an mcp: key", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_McpVariableInMcpRule_TypeChecksWhateverTheKeyOrder()
    {
        var snapshot = Load(McpRule("allow", "when: mcp.arguments.amount <= 100 && mcp.tool == 'refund' && mcp.server == 'payments-mcp'", "mcp: {tools: [refund]}"));

        Assert.NotNull(snapshot.Rules[0].Condition);
    }

    [Theory]
    [InlineData("mcp.tool > 1", "string")]
    [InlineData("mcp.arguments == 'x'", "map")]
    [InlineData("mcp.caller == 'x'", "no field 'caller'")]
    public void Load_McpVariableMisused_IsATypeError(string condition, string expected)
    {
        var problem = Single(Problems(McpRule("allow", "mcp: {tools: [refund]}", $"when: \"{condition}\"")), "rules[0].when");

        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("request.tool == 'x'", "request")]
    [InlineData("evidence.eval == 'pass'", "evidence")]
    [InlineData("authorization_details.size() > 0", "authorization_details")]
    public void Load_ExchangeOnlyVariableInMcpRule_IsAProblem(string condition, string name)
    {
        var problem = Single(Problems(McpRule("allow", "mcp: {tools: [refund]}", $"when: \"{condition}\"")), "rules[0].when");

        Assert.Contains($"'{name}' is known only when a credential is requested", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RunDepthInMcpRule_IsAProblem()
    {
        var problem = Single(Problems(McpRule("allow", "mcp: {tools: [refund]}", "when: run.depth == 0")), "rules[0].when");

        Assert.Contains("no field 'depth'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AgreedPolicyShape_IsValid()
    {
        var snapshot = Load(McpPolicies.Payments);

        Assert.Equal(4, snapshot.Rules.Length);
        Assert.Single(snapshot.Rules, r => r.Mcp is null);
    }
}
