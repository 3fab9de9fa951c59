using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// An approval a delegating agent's rule asked for (a sub-agent's request waits for the human its parent's rule requires)
/// is judged, after a policy reload, against the rule of that delegating agent: a reload that leaves the rule as it was
/// leaves the approval standing; one that narrows or removes it withdraws it, and nothing is issued.
/// </summary>
[Trait("Invariant", "3")]
public sealed class ApprovalDelegatorPolicyChangeTests : ApprovalTest
{
    private const string ParentRule = """
          - id: support-big-refunds-need-approval
            reason: Support refunds over 100 need a human to approve this exact refund.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            approval_expires_in: 10m
        """;

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

        """ + ParentRule;

    protected override string Policy => ChainPolicy;

    [Fact]
    public async Task Invariant3_Approve_ReloadChangedOnlyAnUnrelatedRule_ApprovedAndTheSubAgentCollects()
    {
        var id = await AskInChildRunAsync();
        await ReloadAsync(ChainPolicy + "\n" + ResearchReadsRefunds);

        await ApproveAsync(id);
        Expect.Issued(await PollAsync(id, ExecutorAgent));

        Assert.Equal("support-big-refunds-need-approval", Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance)).Rule);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
    }

    [Fact]
    public async Task Invariant3_Poll_ApprovedThenReloadChangedOnlyAnUnrelatedRule_Collected()
    {
        var id = await AskInChildRunAsync();
        await ApproveAsync(id);
        await ReloadAsync(ChainPolicy + "\n" + ResearchReadsRefunds);

        Expect.Issued(await PollAsync(id, ExecutorAgent));
        Assert.Equal(ApprovalStatus.Consumed, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Theory]
    [InlineData("tools: [refunds]\n    approval_expires_in", "tools: [refunds]\n    tenant: [globex]\n    approval_expires_in")]
    [InlineData("tools: [refunds]\n    approval_expires_in", "tools: [refunds]\n    scopes: [refunds:read]\n    approval_expires_in")]
    public async Task Invariant3_Poll_ReloadNarrowedTheDelegatorsRule_InvalidGrantPolicyChangedWithdrawnNothingIssued(string was, string now)
    {
        var id = await AskInChildRunAsync();
        Assert.Contains(was, ParentRule, StringComparison.Ordinal);
        await ReloadAsync(ChainPolicy.Replace(ParentRule, ParentRule.Replace(was, now, StringComparison.Ordinal), StringComparison.Ordinal));

        var poll = await PollAsync(id, ExecutorAgent);

        // RFC 6749 §5.2: a grant no longer valid is invalid_grant.
        Expect.Refused(poll, "invalid_grant", "rule 'support-big-refunds-need-approval'", $"'{SupportAgent}'");
        Assert.Equal(ApprovalChecks.PolicyChanged.Id, poll.Member("check_id"));
        await AssertRefusedAndNothingIssuedAsync(id, ApprovalChecks.PolicyChanged.Id);
    }

    [Fact]
    public async Task Invariant3_Poll_ApprovedThenTheDelegatorsRuleRemoved_RefusedAtCollectionNothingIssued()
    {
        var id = await AskInChildRunAsync();
        await ApproveAsync(id);
        await ReloadAsync(ChainPolicy.Replace(ParentRule, "", StringComparison.Ordinal));

        var poll = await PollAsync(id, ExecutorAgent);

        Expect.Refused(poll, "invalid_grant", "rule 'support-big-refunds-need-approval'", "no longer exists");
        Assert.Equal(ApprovalChecks.PolicyChanged.Id, poll.Member("check_id"));
        await AssertRefusedAndNothingIssuedAsync(id, ApprovalChecks.PolicyChanged.Id);
    }

    [Fact]
    public async Task Invariant3_Ask_SubAgentWaitsForTheParentsRule_ApprovalNamesTheDelegatingAgent()
    {
        var id = await AskInChildRunAsync();

        var approval = (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!;
        Assert.Equal((ExecutorAgent, SupportAgent, SupportAgent), (approval.Agent, approval.RuleAgent, approval.AskedBy));
    }

    /// <summary>The executor, delegated refunds:write by the support agent, asks for a big refund: it waits for the support agent's rule.</summary>
    private async Task<string> AskInChildRunAsync()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        return await AskAsync(Broker.InRunRequest(child, ExecutorAgent));
    }
}
