using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 3 for budgets: a delegator's <c>rate_limit</c> counts the credentials its sub-agents are issued, keyed as
/// that rule keys a request of its own agent in its own run. A sub-agent with a looser (or no) limit of its own cannot
/// take more than the agent that delegated to it.
/// </summary>
[Trait("Invariant", "3")]
public sealed class DelegatorRateLimitTests : BrokerTest
{
    private const int Budget = 2;

    /// <summary>
    /// The orchestrator refunds at most twice per user an hour; its sub-agents' own rules set no limit (the checker's
    /// counts per agent, loosely), so without the orchestrator's limit they could refund without end.
    /// </summary>
    private const string LimitedParentPolicy = """
        rules:
          - id: orchestrator-two-refunds-per-user
            reason: The orchestrator refunds at most twice per user an hour.
            effect: allow
            agents: ["spiffe://acme.example/agents/orchestrator"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: user, max: 2, window: 1h}
          - id: checker-refunds
            reason: The refund checker may refund a hundred times an hour.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-checker"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: agent, max: 100, window: 1h}
          - id: executor-refunds
            reason: The refund executor carries out refunds a supervisor delegated.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: user, max: 100, window: 1h}
          - id: support-first-refund
            reason: Support refunds while its condition sees none of this hour's refunds counted for the user.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: '!("support-first-refund" in rate) || rate["support-first-refund"] < 1'
            rate_limit: {per: user, max: 50, window: 1h}
          - id: intern-refunds
            reason: The intern refunds whatever a supervisor delegated.
            effect: allow
            agents: ["spiffe://acme.example/agents/intern"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
        """;

    protected override string Policy => LimitedParentPolicy;

    [Fact]
    public async Task Invariant3_ParentLimitedToN_ChildWithAnUnlimitedRuleGetsNThenIsRefusedNamingTheParent()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        for (var i = 0; i < Budget; i++)
        {
            await Broker.IssueInRunAsync(child, ExecutorAgent);
        }

        var before = await Broker.ReadAuditAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{OrchestratorAgent}'", RunId(parent),
            "'orchestrator-two-refunds-per-user' allows at most 2 credentials per user per 1h", "the window resets at");
        Assert.Equal("decide.delegator_not_allowed", reply.Member("check_id"));
        var after = await Broker.ReadAuditAsync();
        Assert.Equal(before.Count + 1, after.Count);
        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Decision), e => e.Outcome == "deny");
        Assert.Equal(OrchestratorAgent, refusal.Evidence["delegator"]);
        Assert.Equal(Budget, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
    }

    [Fact]
    public async Task Invariant3_ChildsCredentialsUseTheParentsBudget_ParentItselfIsThenRefused()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        for (var i = 0; i < Budget; i++)
        {
            await Broker.IssueInRunAsync(child, ExecutorAgent);
        }

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(parent, OrchestratorAgent));

        Expect.Refused(reply, "invalid_target", "'orchestrator-two-refunds-per-user' allows at most 2 credentials per user");
    }

    [Fact]
    public async Task Invariant3_GrandchildsCredential_IsCountedAgainstRootAndParent()
    {
        var root = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(root, CheckerAgent, "refunds:write");
        var grandchild = await Broker.DelegateAsync(child, ExecutorAgent, "refunds:write");

        await Broker.IssueInRunAsync(grandchild, ExecutorAgent);

        Assert.Equal(1, await Broker.RateCountAsync("orchestrator-two-refunds-per-user", OrchestratorAgent, RunId(root)));
        Assert.Equal(1, await Broker.RateCountAsync("checker-refunds", CheckerAgent, RunId(child)));
        Assert.Equal(1, await Broker.RateCountAsync("executor-refunds", ExecutorAgent, RunId(grandchild)));

        await Broker.IssueInRunAsync(grandchild, ExecutorAgent);
        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(grandchild, ExecutorAgent));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{OrchestratorAgent}'", RunId(root));
    }

    [Fact]
    public async Task Invariant3_ParentsBudgetSpentForOneUser_AnotherUsersChildIsStillIssued()
    {
        var forAlice = await Broker.DelegateAsync(await Broker.StartRunAsync(OrchestratorAgent), ExecutorAgent, "refunds:write");
        for (var i = 0; i < Budget; i++)
        {
            await Broker.IssueInRunAsync(forAlice, ExecutorAgent);
        }

        var bobsParent = await Broker.StartRunAsync(OrchestratorAgent, subjectToken: Broker.UserToken("bob"));
        var forBob = await Broker.DelegateAsync(bobsParent, ExecutorAgent, "refunds:write");

        Expect.Issued(await Broker.ExchangeAsync(Broker.InRunRequest(forBob, ExecutorAgent)));
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(forAlice, ExecutorAgent)), "invalid_scope", OrchestratorAgent);
    }

    [Fact]
    public async Task Invariant3_RefusedByTheDelegatorsLimit_MovesNoCounter()
    {
        var root = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(root, CheckerAgent, "refunds:write");
        var grandchild = await Broker.DelegateAsync(child, ExecutorAgent, "refunds:write");
        for (var i = 0; i < Budget; i++)
        {
            await Broker.IssueInRunAsync(grandchild, ExecutorAgent);
        }

        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(grandchild, ExecutorAgent)), "invalid_scope", OrchestratorAgent);

        Assert.Equal(Budget, await Broker.RateCountAsync("orchestrator-two-refunds-per-user", OrchestratorAgent, RunId(root)));
        Assert.Equal(Budget, await Broker.RateCountAsync("checker-refunds", CheckerAgent, RunId(child)));
        Assert.Equal(Budget, await Broker.RateCountAsync("executor-refunds", ExecutorAgent, RunId(grandchild)));
    }

    [Fact]
    public async Task Invariant3_SiblingsAskAtOnce_OvershootNoMoreThanTheRequestsInFlightAndEveryIssuedIsCounted()
    {
        const int InFlight = 4;
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        var siblings = new[]
        {
            await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write"),
            await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write"),
        };

        for (var wave = 0; wave < 3; wave++)
        {
            await Task.WhenAll(Enumerable.Range(0, InFlight).Select(i => Broker.ExchangeAsync(Broker.InRunRequest(siblings[i % 2], ExecutorAgent))));
        }

        var issued = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count(e => e.Outcome == "issued");
        Assert.InRange(issued, Budget, Budget + InFlight);
        Assert.Equal(issued, await Broker.RateCountAsync("orchestrator-two-refunds-per-user", OrchestratorAgent, RunId(parent)));
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(siblings[0], ExecutorAgent)), "invalid_scope", OrchestratorAgent);
    }

    [Fact]
    public async Task Invariant3_DelegatorsConditionReadsRate_SeesItsOwnCounterAndRefusesTheChild()
    {
        var parent = await Broker.StartRunAsync(SupportAgent);
        var child = await Broker.DelegateAsync(parent, InternAgent, "refunds:write");
        await Broker.IssueInRunAsync(child, InternAgent);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(child, InternAgent));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{SupportAgent}'", "support-first-refund");
        Assert.Equal(1, await Broker.RateCountAsync("support-first-refund", SupportAgent, RunId(parent)));
    }

    [Fact]
    public async Task Exchange_RootRunWithARateLimit_IsCountedOnceForItsOwnRule()
    {
        var run = await Broker.StartRunAsync(OrchestratorAgent);

        await Broker.IssueInRunAsync(run, OrchestratorAgent);

        Assert.Equal(1, await Broker.RateCountAsync("orchestrator-two-refunds-per-user", OrchestratorAgent, RunId(run)));
        var issued = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.False(issued.Evidence.ContainsKey("delegator_rules"));
    }
}
