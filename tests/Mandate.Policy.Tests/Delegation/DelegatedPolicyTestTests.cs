using Mandate.Policy.Testing;
using static Mandate.Policy.Tests.Delegation.DelegationCases;

namespace Mandate.Policy.Tests.Delegation;

/// <summary>
/// <c>mandate policy test</c> decides a sub-agent's request (<c>delegators:</c>) as the broker does (invariant 3): every
/// agent up the chain is asked in its own run and depth, and the strictest outcome wins.
/// </summary>
[Trait("Invariant", "3")]
public sealed class DelegatedPolicyTestTests
{
    private static readonly PolicySnapshot Snapshot = PolicyTestData.Load(PolicyText);

    [Fact]
    public void Invariant3_EveryDelegationCase_Passes()
    {
        var results = Run(TestFile);

        Assert.All(results, r => Assert.True(r.Passed, $"{r.Case.Name}: {r.Failure}"));
        Assert.Equal(8, results.Count);
    }

    [Fact]
    public void Invariant3_ChildAllowsARefundOf5000_ParentCapsItAt100_DeniedNamingTheParentsRun()
    {
        var r = Result("a refund of 5000 the executor may make is refused by its parent's cap of 100");

        Assert.Equal(DecisionEffect.Allow, r.Own.Effect);
        Assert.Equal(DecisionEffect.Deny, r.Decision.Effect);
        Assert.Equal(new DelegatingAgent(Support, "run_parent", 0), r.DecidedBy);
    }

    [Fact]
    public void Invariant3_ParentRequiresApproval_PendingUnderTheParentsRule()
    {
        var r = Result("the parent's require_approval makes the child's request wait");

        Assert.Equal((DecisionEffect.RequireApproval, "supervisor-refunds-need-approval"), (r.Decision.Effect, r.Decision.RuleId));
        Assert.Equal("executor-refunds", r.Own.RuleId);
        Assert.Equal(Supervisor, r.DecidedBy?.Agent);
    }

    [Fact]
    public void Invariant3_ParentGrantsOnlyReads_ScopesAreTheIntersection()
    {
        var r = Result("the parent grants only reads, so the child gets only reads");

        Assert.Equal(["refunds:read", "refunds:write"], r.Own.GrantedScopes);
        Assert.Equal(["refunds:read"], r.Decision.GrantedScopes);
        Assert.Null(r.DecidedBy);
    }

    [Fact]
    public void Invariant3_ParentsRuleIsShorter_TheShortestLifetimeHolds()
    {
        var r = Result("a refund of 40 is within the parent's cap");

        Assert.Null(r.Own.MaxLifetime);
        Assert.Equal(TimeSpan.FromSeconds(90), r.Decision.MaxLifetime);
    }

    [Fact]
    public void Invariant3_Grandchild_IsRefusedByTheRootTwoLevelsUp()
    {
        var r = Result("a grandchild's refund is refused by the root two levels up");

        Assert.Equal(DecisionEffect.Deny, r.Decision.Effect);
        Assert.Equal(new DelegatingAgent(Support, "run_root", 0), r.DecidedBy);
        Assert.Equal((2, "run_grandchild"), (r.Case.Input.DelegationDepth, r.Case.Input.RunId));
    }

    [Fact]
    public void Invariant3_McpCallInAChain_IsRefusedByTheParentsMcpRule()
    {
        var r = Result("an MCP refund call of 5000 is refused by the parent's rule");

        Assert.Equal("executor-mcp-refunds", r.Own.RuleId);
        Assert.Equal(DecisionEffect.Deny, r.Decision.Effect);
        Assert.Equal(Support, r.DecidedBy?.Agent);
    }

    [Fact]
    public void Invariant3_CaseThatExpectsTheChildsOwnAnswer_FailsNamingTheParent()
    {
        // Without the chain the runner would answer allow here, which the broker refuses.
        var text = TestFile.Replace("    expect: deny\n    rule: executor-refunds\n    decided_by: spiffe://acme.example/agents/support\n", "    expect: allow\n", StringComparison.Ordinal);

        var failed = Assert.Single(Run(text), r => !r.Passed);

        Assert.Equal("a refund of 5000 the executor may make is refused by its parent's cap of 100", failed.Case.Name);
        Assert.Contains($"expected allow, got deny by none (default deny) of delegating agent '{Support}' (run 'run_parent', depth 0)", failed.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Invariant3_DecidedByTheWrongAgent_Fails()
    {
        var text = TestFile.Replace("    decided_by: spiffe://acme.example/agents/supervisor\n", "    decided_by: spiffe://acme.example/agents/executor\n", StringComparison.Ordinal);

        var failed = Assert.Single(Run(text), r => !r.Passed);

        Assert.StartsWith($"expected the decision by agent '{Executor}', but it was made by supervisor-refunds-need-approval of delegating agent '{Supervisor}'", failed.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DelegatorsWithoutRuns_EachAgentGetsARunOfItsOwnDepth()
    {
        var file = PolicyTestReader.Read(Case("delegators: [\"spiffe://acme.example/agents/checker\", \"spiffe://acme.example/agents/support\"]"), "t.yaml");

        Assert.Empty(file.Problems);
        var c = Assert.Single(file.Cases);
        Assert.Equal([new DelegatingAgent(Checker, "run-d1", 1), new DelegatingAgent(Support, "run-d0", 0)], c.Delegators);
        Assert.Equal((2, "run-d2"), (c.Input.DelegationDepth, c.Input.RunId));
    }

    [Fact]
    public void Explain_SubAgentsRequest_ExplainsEachDelegatorAndCombinesAsTheBroker()
    {
        var c = Result("a grandchild's refund is refused by the root two levels up").Case;

        var explained = PolicyExplainer.ExplainChain(Snapshot, c.Input, null, c.Delegators);

        Assert.Equal("executor-refunds", explained.Own.RuleId);
        Assert.Equal([Checker, Support], explained.Delegators.Select(d => d.Delegator.Agent));
        Assert.Equal([DecisionEffect.Allow, DecisionEffect.Deny], explained.Delegators.Select(d => d.Decision.Effect));
        Assert.Contains(explained.Delegators[1].Rules, r => r.RuleId == "support-small-refunds" && r.Checks.Any(k => k.Check == "when" && !k.Passed));
        Assert.Equal((DecisionEffect.Deny, Support), (explained.Outcome.Decision.Effect, explained.Outcome.DecidedBy?.Agent));
    }

    private static List<PolicyTestResult> Run(string text)
    {
        var file = PolicyTestReader.Read(text, "delegation.tests.yaml");
        Assert.Empty(file.Problems);
        return [.. PolicyTestRunner.Run(Snapshot, file.Cases)];
    }

    private static PolicyTestResult Result(string name) => Assert.Single(Run(TestFile), r => r.Case.Name == name);

    internal static string Case(string extra) =>
        $"policy: policy.yaml\ncases:\n  - name: c\n    request:\n      agent: {Executor}\n      tool: refunds\n      scopes: [refunds:read]\n      tenant: acme\n      user: alice\n      {extra}\n    expect: allow\n";
}
