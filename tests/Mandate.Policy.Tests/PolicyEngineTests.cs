using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed partial class PolicyEngineTests
{
    [Fact]
    public void Evaluate_EmptyPolicy_DeniesByDefaultNamingAgentAndTool()
    {
        var policy = Load("rules: []\n");

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.Equal(DecisionEffect.Deny, decision.Effect);
        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Equal($"no rule allows agent '{Support}' to use tool 'refunds'", decision.Reason);
        Assert.Equal("add an allow rule for this agent and tool to the policy", decision.Remedy);
        Assert.Empty(decision.GrantedScopes);
        Assert.Null(decision.MaxLifetime);
        Assert.Equal(policy.Version, decision.PolicyVersion);
    }

    [Fact]
    public void Evaluate_RuleForAnotherTool_DeniesByDefault()
    {
        var policy = Load(Rules(Rule("support-crm", "allow", Support, "crm")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.StartsWith("no rule allows agent", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RuleForAnotherAgent_DeniesByDefault()
    {
        var policy = Load(Rules(Rule("research-refunds", "allow", Research, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Equal($"no rule allows agent '{Support}' to use tool 'refunds'", decision.Reason);
    }

    [Fact]
    public void Evaluate_ToolNameDiffersInCase_DeniesByDefault()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tool = "Refunds" });

        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Evaluate_MatchingAllow_AllowsRequestedScopesWithRuleLifetime()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds",
            "scopes: [refunds:read, refunds:write]", "max_lifetime: 5m")));
        var input = UserRequest with { Scopes = ["refunds:write"] };

        var decision = PolicyEngine.Evaluate(policy, input);

        Assert.True(decision.IsAllowed);
        Assert.Equal("support-refunds", decision.RuleId);
        Assert.Equal("Test rule support-refunds.", decision.Reason);
        Assert.Null(decision.Remedy);
        Assert.Equal(["refunds:write"], decision.GrantedScopes);
        Assert.Equal(TimeSpan.FromMinutes(5), decision.MaxLifetime);
        Assert.Equal(policy.Version, decision.PolicyVersion);
    }

    [Fact]
    public void Evaluate_DenyLaterInFileThanAllow_DenyWins()
    {
        var policy = Load(Rules(
            Rule("support-refunds", "allow", Support, "refunds"),
            Rule("freeze-refunds", "deny", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Equal("freeze-refunds", decision.RuleId);
        Assert.Equal("denied by rule 'freeze-refunds': Test rule freeze-refunds.", decision.Reason);
        Assert.Contains("an allow rule cannot override a deny", decision.Remedy, StringComparison.Ordinal);
        Assert.Empty(decision.GrantedScopes);
        Assert.Null(decision.MaxLifetime);
    }

    [Fact]
    public void Evaluate_DenyListingRequestedScope_DeniesNamingTheScope()
    {
        var policy = Load(Rules(
            Rule("support-refunds", "allow", Support, "refunds", "scopes: [refunds:read, refunds:write]"),
            Rule("no-refund-writes", "deny", Support, "refunds", "scopes: [refunds:write]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Scopes = ["refunds:read", "refunds:write"] });

        Assert.False(decision.IsAllowed);
        Assert.Equal("no-refund-writes", decision.RuleId);
        Assert.Equal("denied by rule 'no-refund-writes': Test rule no-refund-writes. (denied scope 'refunds:write')", decision.Reason);
        Assert.Equal("request without scope 'refunds:write'", decision.Remedy);
    }

    [Fact]
    public void Evaluate_DenyListingOnlyOtherScopes_DoesNotApply()
    {
        var policy = Load(Rules(
            Rule("support-refunds", "allow", Support, "refunds", "scopes: [refunds:read, refunds:write]"),
            Rule("no-refund-writes", "deny", Support, "refunds", "scopes: [refunds:write]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Scopes = ["refunds:read"] });

        Assert.True(decision.IsAllowed);
        Assert.Equal("support-refunds", decision.RuleId);
    }

    [Fact]
    public void Evaluate_DenyWithOmittedConstraints_AppliesToBackgroundWorkAndAnyTenant()
    {
        var policy = Load(Rules(
            Rule("support-background", "allow", Support, "refunds", "subject: agent", "tenant: any"),
            Rule("freeze-refunds", "deny", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, BackgroundRequest with { Tenant = "globex" });

        Assert.False(decision.IsAllowed);
        Assert.Equal("freeze-refunds", decision.RuleId);
    }

    [Fact]
    public void Evaluate_DenyForAnotherEnvironment_DoesNotApply()
    {
        var policy = Load(Rules(
            Rule("support-refunds", "allow", Support, "refunds"),
            Rule("freeze-refunds-in-dev", "deny", Support, "refunds", "environments: [dev]")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void Evaluate_DenyForEveryTool_DeniesUnknownTool()
    {
        var policy = Load(Rules(
            Rule("support-anything", "allow", Support, "'*'"),
            Rule("quarantine-support", "deny", Support, "'*'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tool = "never-mentioned" });

        Assert.Equal("quarantine-support", decision.RuleId);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Evaluate_AllowForEveryTool_AllowsToolNotNamedElsewhere()
    {
        var policy = Load(Rules(
            Rule("support-crm", "allow", Support, "crm"),
            Rule("support-anything", "allow", Support, "'*'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { Tool = "never-mentioned" });

        Assert.True(decision.IsAllowed);
        Assert.Equal("support-anything", decision.RuleId);
    }

    [Fact]
    public void Evaluate_TwoMatchingAllows_FirstInFileDecides()
    {
        var policy = Load(Rules(
            Rule("short", "allow", Support, "refunds", "max_lifetime: 90s"),
            Rule("long", "allow", Support, "refunds", "max_lifetime: 1h")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.Equal("short", decision.RuleId);
        Assert.Equal(TimeSpan.FromSeconds(90), decision.MaxLifetime);
    }
}
