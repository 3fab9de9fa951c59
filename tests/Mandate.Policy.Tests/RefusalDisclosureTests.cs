using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// docs/policy.md (How refusals are explained): a refusal names the rule that refused or came nearest for this agent
/// and tool, and what would make it yes; it never names the rules, tools or tenants of other agents' rules.
/// </summary>
public sealed class RefusalDisclosureTests
{
    private static readonly string OtherAgentsRules = Rules(
        Rule("globex-payroll-export", "allow", "spiffe://acme.example/agents/globex-payroll", "payroll-export", "tenant: [globex]"),
        Rule("initech-freeze", "deny", "spiffe://acme.example/agents/initech-bot", "'*'"),
        Rule("support-refunds", "allow", Support, "refunds", "scopes: [refunds:read]"));

    [Fact]
    public void Evaluate_DefaultDenyForAnUncoveredTool_NamesNoOtherAgentsRuleToolOrTenant()
    {
        var decision = PolicyEngine.Evaluate(Load(OtherAgentsRules), UserRequest with { Tool = "crm", Tenant = "globex" });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Contains("no rule allows agent 'spiffe://acme.example/agents/support' to use tool 'crm'", decision.Reason, StringComparison.Ordinal);
        AssertNamesNoneOf(decision, "globex-payroll-export", "payroll-export", "initech", "support-refunds");
    }

    [Fact]
    public void Evaluate_NearMiss_NamesOnlyThisAgentsRuleAndHowToFixIt()
    {
        var decision = PolicyEngine.Evaluate(Load(OtherAgentsRules), UserRequest with { Scopes = ["refunds:write"] });

        Assert.False(decision.IsAllowed);
        Assert.Contains("scope 'refunds:write' is not allowed by rule 'support-refunds' (allows refunds:read)", decision.Reason, StringComparison.Ordinal);
        Assert.NotNull(decision.Remedy);
        AssertNamesNoneOf(decision, "globex", "payroll", "initech");
    }

    private static void AssertNamesNoneOf(Decision decision, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.DoesNotContain(name, decision.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(name, decision.Remedy ?? "", StringComparison.Ordinal);
        }
    }
}
