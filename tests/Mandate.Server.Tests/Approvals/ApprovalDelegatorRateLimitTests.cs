using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 3 for budgets after a human's approval: a credential a sub-agent collects counts against its own rule's
/// <c>rate_limit</c> and every delegator rule's, keyed as for an immediate credential, also when the rule that made it
/// wait is the delegator's.
/// </summary>
[Trait("Invariant", "3")]
public sealed class ApprovalDelegatorRateLimitTests : ApprovalTest
{
    private const string DelegatorRule = "support-big-refunds-need-approval";
    private const string OwnRule = "executor-refunds";

    private const string ChainPolicy = """
        rules:
          - id: support-small-refunds
            reason: Support agents refund up to 100 on their own.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 100)
          - id: executor-refunds
            reason: The refund executor carries out refunds a supervisor delegated.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: run, max: 100, window: 1h}
          - id: support-big-refunds-need-approval
            reason: Support refunds over 100 need a human, at most twice an hour.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            approval_expires_in: 10m
            rate_limit: {per: agent, max: 2, window: 1h}
        """;

    protected override string Policy => ChainPolicy;

    [Fact]
    public async Task Invariant3_SubAgentCollectsAnApprovalTheDelegatorsRuleAsked_CountsTheDelegatorsAndItsOwnRule()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var id = await AskAsync(Broker.InRunRequest(child, ExecutorAgent));
        await ApproveAsync(id);
        Expect.Issued(await PollAsync(id, ExecutorAgent));

        Assert.Equal(1, await Broker.RateCountAsync(DelegatorRule, SupportAgent, RunId(parent)));
        Assert.Equal(1, await Broker.RateCountAsync(OwnRule, ExecutorAgent, RunId(child)));
        Assert.Equal(0, await Broker.RateCountAsync(DelegatorRule, ExecutorAgent, RunId(child)));
    }

    [Fact]
    public async Task Invariant3_DelegatorsApprovalBudgetSpentBySubAgents_NextRequestRefusedNamingTheDelegator()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        for (var i = 0; i < 2; i++)
        {
            var id = await AskAsync(Broker.InRunRequest(child, ExecutorAgent));
            await ApproveAsync(id);
            Expect.Issued(await PollAsync(id, ExecutorAgent));
        }

        var reply = await Broker.PostFormAsync("oauth2/token", Broker.InRunRequest(child, ExecutorAgent).ToForm().Append(new("authorization_details", BigRefund)));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{SupportAgent}'", $"'{DelegatorRule}' allows at most 2 credentials per agent");
        Assert.Null(reply.Member("auth_req_id"));
    }
}
