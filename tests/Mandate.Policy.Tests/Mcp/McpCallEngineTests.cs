using static Mandate.Policy.Tests.Mcp.McpPolicies;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests.Mcp;

/// <summary>The tools/call decision: only rules with mcp:, deny wins, then require_approval, then allow, else default deny.</summary>
public sealed class McpCallEngineTests
{
    private static readonly PolicySnapshot Payments = Load(McpPolicies.Payments);

    private static string Rule(string id, string effect, params string[] keys) => PolicyTestData.Rule(id, effect, Support, "payments-mcp", keys);

    [Fact]
    public void Evaluate_NamedToolWithoutCondition_IsAllowedByThatRule()
    {
        var decision = McpCallEngine.Evaluate(Payments, Call("lookup_order", ("order", "o-1")));

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
        Assert.Equal("mcp-lookup", decision.RuleId);
        Assert.Equal(Payments.Version, decision.PolicyVersion);
        Assert.False(decision.RecordArguments);
    }

    [Fact]
    public void Evaluate_ConditionOnArguments_AllowsSmallAndAsksApprovalForLarge()
    {
        var small = McpCallEngine.Evaluate(Payments, Call("refund", ("amount", 40L)));
        var large = McpCallEngine.Evaluate(Payments, Call("refund", ("amount", 250L)));

        Assert.Equal(("mcp-small-refunds", DecisionEffect.Allow), (small.RuleId, small.Effect));
        Assert.Equal(("mcp-large-refunds", DecisionEffect.RequireApproval), (large.RuleId, large.Effect));
        Assert.True(large.RecordArguments);
        Assert.Equal(TimeSpan.FromMinutes(10), large.ApprovalExpiresIn);
    }

    [Fact]
    public void Evaluate_DoubleArgument_ComparesWithIntLiteral()
    {
        Assert.Equal(DecisionEffect.Allow, McpCallEngine.Evaluate(Payments, Call("refund", ("amount", 99.5))).Effect);
    }

    [Fact]
    public void Evaluate_ToolNoRuleNames_IsDeniedByDefault()
    {
        var decision = McpCallEngine.Evaluate(Payments, Call("delete_customer"));

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.Null(decision.RuleId);
        Assert.Contains("delete_customer", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OrdinaryRuleForTheServer_DecidesNoCall()
    {
        // support-payments-mcp grants the credential; it never allows a tools/call.
        var policy = Load(Rules(PolicyTestData.Rule("cred", "allow", Support, "payments-mcp", "scopes: [orders:read]")));

        Assert.Equal(DecisionEffect.Deny, McpCallEngine.Evaluate(policy, Call("lookup_order")).Effect);
    }

    [Fact]
    public void Evaluate_AnotherAgentOrServer_IsDeniedByDefault()
    {
        Assert.Equal(DecisionEffect.Deny, McpCallEngine.Evaluate(Payments, Call("lookup_order") with { Agent = Research }).Effect);
        Assert.Equal(DecisionEffect.Deny, McpCallEngine.Evaluate(Payments, Call("lookup_order") with { Server = "crm-mcp" }).Effect);
    }

    [Fact]
    public void Evaluate_DenyAnywhereInTheFile_WinsOverAllowAndApproval()
    {
        var policy = Load(Rules(
            Rule("allow-all", "allow", "mcp: {tools: ['*']}"),
            Rule("approve-refund", "require_approval", "mcp: {tools: [refund]}"),
            Rule("no-refund-to-others", "deny", "mcp: {tools: [refund]}", "when: mcp.arguments.to != 'self'")));

        var decision = McpCallEngine.Evaluate(policy, Call("refund", ("to", "mallory")));

        Assert.Equal(("no-refund-to-others", DecisionEffect.Deny), (decision.RuleId, decision.Effect));
    }

    [Fact]
    public void Evaluate_ApprovalRuleLaterInTheFile_WinsOverAnEarlierAllow()
    {
        var policy = Load(Rules(
            Rule("allow-all", "allow", "mcp: {tools: ['*']}"),
            Rule("approve-refund", "require_approval", "mcp: {tools: [refund]}")));

        Assert.Equal(("approve-refund", DecisionEffect.RequireApproval), (McpCallEngine.Evaluate(policy, Call("refund")).RuleId, McpCallEngine.Evaluate(policy, Call("refund")).Effect));
        Assert.Equal(("allow-all", DecisionEffect.Allow), (McpCallEngine.Evaluate(policy, Call("lookup_order")).RuleId, McpCallEngine.Evaluate(policy, Call("lookup_order")).Effect));
    }

    [Fact]
    public void Evaluate_AllowConditionErrs_DoesNotMatch_FailClosed()
    {
        var policy = Load(Rules(Rule("small", "allow", "mcp: {tools: [refund]}", "when: mcp.arguments.amount <= 100")));

        // amount missing or not a number: the condition errs, so the allow does not apply and nothing else does.
        var missing = McpCallEngine.Evaluate(policy, Call("refund", ("reason", "late")));
        var text = McpCallEngine.Evaluate(policy, Call("refund", ("amount", "50")));

        Assert.Equal((DecisionEffect.Deny, null), (missing.Effect, missing.RuleId));
        Assert.Equal((DecisionEffect.Deny, null), (text.Effect, text.RuleId));
    }

    [Fact]
    public void Evaluate_AgreedPolicyAmountMissing_AsksAHumanRatherThanAllowing()
    {
        var decision = McpCallEngine.Evaluate(Payments, Call("refund", ("reason", "late")));

        Assert.Equal(("mcp-large-refunds", DecisionEffect.RequireApproval), (decision.RuleId, decision.Effect));
    }

    [Fact]
    public void Evaluate_DenyConditionErrs_Denies_FailClosed()
    {
        var policy = Load(Rules(
            Rule("allow-all", "allow", "mcp: {tools: ['*']}"),
            Rule("cap", "deny", "mcp: {tools: [refund]}", "when: mcp.arguments.amount > 1000")));

        var decision = McpCallEngine.Evaluate(policy, Call("refund", ("amount", "a lot")));

        Assert.Equal(("cap", DecisionEffect.Deny), (decision.RuleId, decision.Effect));
        Assert.Contains("fails closed", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ApprovalConditionErrs_RequiresApprovalRatherThanFallingToAllow()
    {
        var policy = Load(Rules(
            Rule("allow-all", "allow", "mcp: {tools: ['*']}"),
            Rule("big", "require_approval", "mcp: {tools: [refund]}", "when: mcp.arguments.amount > 100")));

        var decision = McpCallEngine.Evaluate(policy, Call("refund", ("amount", "5000")));

        Assert.Equal(("big", DecisionEffect.RequireApproval), (decision.RuleId, decision.Effect));
    }

    [Fact]
    public void Evaluate_NestedArguments_AreReadable()
    {
        var policy = Load(Rules(Rule("eu", "allow", "mcp: {tools: [ship]}", "when: mcp.arguments.address.country == 'DE' && mcp.arguments.items.size() == 2 && mcp.arguments.items[1].qty == 3")));
        var items = new List<object?> { new Dictionary<string, object?> { ["qty"] = 1L }, new Dictionary<string, object?> { ["qty"] = 3L } };

        var decision = McpCallEngine.Evaluate(policy, Call("ship", ("address", new Dictionary<string, object?> { ["country"] = "DE" }), ("items", items)));

        Assert.Equal(DecisionEffect.Allow, decision.Effect);
    }

    [Fact]
    public void Evaluate_CallerVariables_AreTheCredentials()
    {
        var policy = Load(Rules(Rule("own", "allow", "mcp: {tools: [refund]}", "when: \"tool == 'payments-mcp' && tenant == 'acme' && user.id == 'alice' && user.tenant == 'acme' && run.id == 'run_1' && 'refunds:write' in scopes && subject == 'user'\"")));

        Assert.Equal(DecisionEffect.Allow, McpCallEngine.Evaluate(policy, Call("refund")).Effect);
    }

    [Fact]
    public void Evaluate_BackgroundCall_DoesNotMatchADefaultRule_ButOneForAgents()
    {
        var background = Call("lookup_order") with { Subject = SubjectKind.Agent, User = null };
        var agents = Load(Rules(Rule("bg", "allow", "mcp: {tools: [lookup_order]}", "subject: agent", "tenant: [acme]")));

        Assert.Equal(DecisionEffect.Deny, McpCallEngine.Evaluate(Payments, background).Effect);
        Assert.Equal(DecisionEffect.Allow, McpCallEngine.Evaluate(agents, background).Effect);
        Assert.Equal(DecisionEffect.Deny, McpCallEngine.Evaluate(agents, background with { Tenant = "globex" }).Effect);
    }

    [Fact]
    public void Evaluate_EnvironmentNotListed_IsDenied()
    {
        var policy = Load(Rules(Rule("staging-only", "allow", "mcp: {tools: ['*']}", "environments: [staging]")));

        Assert.Equal(DecisionEffect.Deny, McpCallEngine.Evaluate(policy, Call("lookup_order")).Effect);
    }

    [Fact]
    public void Evaluate_ServerWildcardRule_AppliesToEveryServer()
    {
        var policy = Load(Rules(PolicyTestData.Rule("any-server", "allow", Support, "'*'", "mcp: {tools: [lookup_order]}")));

        Assert.Equal(DecisionEffect.Allow, McpCallEngine.Evaluate(policy, Call("lookup_order") with { Server = "crm-mcp" }).Effect);
    }
}
