using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 3 for budgets after a human's approval, when the sub-agent's own rule made it wait: the collected credential
/// counts against that rule and against its delegator's allow rule, keyed by the delegator's agent.
/// </summary>
[Trait("Invariant", "3")]
public sealed class ApprovalSubAgentRateLimitTests : ApprovalTest
{
    private const string ChainPolicy = """
        rules:
          - id: support-refunds
            reason: Support refunds, at most twice an hour.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: agent, max: 2, window: 1h}
          - id: executor-small-refunds
            reason: The executor refunds up to 100 on its own.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 100)
          - id: executor-refunds-need-approval
            reason: The executor's refunds over 100 need a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            approval_expires_in: 10m
            rate_limit: {per: user, max: 100, window: 1h}
        """;

    protected override string Policy => ChainPolicy;

    [Fact]
    public async Task Invariant3_SubAgentsOwnRuleAsked_CollectedCredentialCountsItAndTheDelegatorsRule()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var id = await AskAsync(Broker.InRunRequest(child, ExecutorAgent));
        Assert.Equal(0, await Broker.RateCountAsync("support-refunds", SupportAgent, RunId(parent)));
        await ApproveAsync(id);
        Expect.Issued(await PollAsync(id, ExecutorAgent));

        Assert.Equal(1, await Broker.RateCountAsync("support-refunds", SupportAgent, RunId(parent)));
        Assert.Equal(1, await Broker.RateCountAsync("executor-refunds-need-approval", ExecutorAgent, RunId(child)));
    }
}
