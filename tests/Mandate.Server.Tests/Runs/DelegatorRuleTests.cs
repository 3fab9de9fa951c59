using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 3 per credential: inside a child run, a credential is issued only when every agent up the delegation chain
/// would be issued it too, for this very request. A parent whose rule needs an approval, evidence or a condition per
/// credential cannot be side-stepped by a sub-agent whose own rule is a plain allow.
/// </summary>
[Trait("Invariant", "3")]
public sealed class DelegatorRuleTests : ApprovalTest
{
    private const string SmallRefund = """[{"type":"refund","amount":40,"currency":"EUR"}]""";
    private const string Passed = "acme/shop@4f2a9c1";
    private const string Failed = "acme/shop@0bad0bad";

    /// <summary>
    /// The support agent refunds up to 100 alone and bigger ones after a human approves; the orchestrator refunds up to
    /// 100, only for a build whose evals passed and for 90 seconds at most; the executor and the checker are allowed plainly.
    /// </summary>
    private const string ChainPolicy = """
        rules:
          - id: support-small-refunds
            reason: Support agents refund up to 100 on their own.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 100)
          - id: support-big-refunds-need-approval
            reason: Support refunds over 100 need a human to approve this exact refund.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            approval_expires_in: 10m
          - id: orchestrator-small-refunds-after-evals
            reason: The orchestrator refunds up to 100, and only for a build whose evals passed.
            effect: allow
            agents: ["spiffe://acme.example/agents/orchestrator"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 100) && evidence.eval == "pass"
            max_lifetime: 90s
          - id: executor-refunds
            reason: The refund executor carries out refunds a supervisor delegated.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
          - id: checker-reads-refunds
            reason: The refund checker verifies refunds; it never writes.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-checker"]
            tools: [refunds]
            scopes: [refunds:read]
        """;

    protected override string Configuration => CiPoster.AddTo(ApprovalConfiguration);

    protected override string Policy => ChainPolicy;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // One CI token for both facts: the development issuer behind it is disposed with the harness, not per token.
        var ci = "Bearer " + CiPoster.Token(Broker);
        await PostEvidenceAsync(ci, Passed, "pass");
        await PostEvidenceAsync(ci, Failed, "fail");
    }

    [Fact]
    public async Task Invariant3_ParentNeedsApprovalForTheRequest_ChildWithAPlainAllowWaitsForTheParentsApproval()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var reply = await ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent), BigRefund);

        Assert.True(reply.Error == "authorization_pending", reply.ToString());
        Assert.Contains("'support-big-refunds-need-approval'", reply.Description, StringComparison.Ordinal);
        var approval = await Broker.Runtime.Store.GetApprovalAsync(reply.Member("auth_req_id")!, CancellationToken.None);
        Assert.Equal((ExecutorAgent, RunId(child), "support-big-refunds-need-approval"), (approval!.Agent, approval.Run, approval.Rule));
        var pending = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Decision), e => e.Outcome == "pending");
        Assert.Equal(SupportAgent, pending.Evidence["approval_required_by"]);
        Assert.Contains($"{SupportAgent}: support-big-refunds-need-approval", pending.Evidence["delegator_rules"], StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant3_ParentsApprovalGiven_ChildCollectsTheCredentialNamingTheParentsRule()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var id = await AskAsync(Broker.InRunRequest(child, ExecutorAgent));
        await ApproveAsync(id);

        var credential = Expect.Issued(await PollAsync(id, ExecutorAgent));

        Assert.Equal(RunId(child), IssuedTokens.Read(credential).GetPayloadValue<string>("run"));
        var issued = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(("support-big-refunds-need-approval", id), (issued.Rule, issued.Evidence["approval_id"]));
        Assert.Equal(ApprovalStatus.Consumed, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Invariant3_ParentsConditionFailsForTheRequest_ChildWithAPlainAllowIsRefused()
    {
        var parent = await StartOrchestratorRunAsync();
        var child = await DelegateWithEvidenceAsync(parent, ExecutorAgent, "refunds:write");
        var before = await Broker.ReadAuditAsync();

        // RFC 8693 §2.2.2 / RFC 6749 §5.2: a scope the subject may not have is invalid_scope.
        var reply = await ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent) with { EvidenceSubject = Passed }, BigRefund);

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{OrchestratorAgent}'", RunId(parent), "refunds:write");
        Assert.Equal("decide.delegator_not_allowed", reply.Member("check_id"));
        await AssertOnlyTheRefusalRecordedAsync(before.Count, OrchestratorAgent);
    }

    [Fact]
    public async Task Invariant3_ParentsEvidenceFailsForTheRequest_ChildWithAPlainAllowIsRefused()
    {
        var parent = await StartOrchestratorRunAsync();
        var child = await DelegateWithEvidenceAsync(parent, ExecutorAgent, "refunds:write");
        var before = await Broker.ReadAuditAsync();

        var reply = await ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent) with { EvidenceSubject = Failed }, SmallRefund);

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{OrchestratorAgent}'", "refunds:write");
        Assert.Equal("decide.delegator_not_allowed", reply.Member("check_id"));
        await AssertOnlyTheRefusalRecordedAsync(before.Count, OrchestratorAgent);
    }

    [Fact]
    public async Task Invariant3_RootsEvidenceFailsTwoLevelsUp_GrandchildIsRefusedNamingTheRoot()
    {
        var root = await StartOrchestratorRunAsync("refunds:read");
        var child = await DelegateWithEvidenceAsync(root, CheckerAgent);
        var grandchild = await DelegateWithEvidenceAsync(child, ExecutorAgent);
        var before = await Broker.ReadAuditAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(grandchild, ExecutorAgent, scope: "refunds:read") with { EvidenceSubject = Failed });

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{OrchestratorAgent}'", RunId(root), "refunds:read");
        await AssertOnlyTheRefusalRecordedAsync(before.Count, OrchestratorAgent);
    }

    [Fact]
    public async Task Invariant3_EveryAgentUpTheChainAllowsTheRequest_ChildGetsTheCredentialForTheShortestRuleLifetimeAndTheRecordNamesEachRule()
    {
        var root = await StartOrchestratorRunAsync("refunds:read");
        var child = await DelegateWithEvidenceAsync(root, CheckerAgent);
        var grandchild = await DelegateWithEvidenceAsync(child, ExecutorAgent);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(grandchild, ExecutorAgent, scope: "refunds:read") with { EvidenceSubject = Passed });

        Expect.Issued(reply);
        Assert.Equal(90, reply.Json.GetProperty("expires_in").GetInt32());

        var issued = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal("executor-refunds", issued.Rule);
        Assert.Equal(
            $"{CheckerAgent}: checker-reads-refunds (allow); {OrchestratorAgent}: orchestrator-small-refunds-after-evals (allow)",
            issued.Evidence["delegator_rules"]);
    }

    [Fact]
    public async Task Exchange_RootRunWithItsOwnCondition_IsDecidedForItsAgentAlone()
    {
        var run = await Broker.StartRunAsync();

        var reply = await ExchangeAsync(Broker.InRunRequest(run), SmallRefund);

        Expect.Issued(reply);
        var issued = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.False(issued.Evidence.ContainsKey("delegator_rules"));
    }

    private async Task<string> StartOrchestratorRunAsync(string scope = RefundsEnvelope) =>
        Expect.Issued(await Broker.ExchangeAsync(Broker.StartRunRequest(OrchestratorAgent, scope) with { EvidenceSubject = Passed }));

    // Delegation decides the orchestrator's rule again for the delegation request, so that request names the build too.
    private async Task<string> DelegateWithEvidenceAsync(string parent, string subAgent, string? scope = null) =>
        Expect.Issued(await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, subAgent, scope) with { EvidenceSubject = Passed }));

    private Task<OAuthReply> ExchangeAsync(ExchangeRequest request, string authorizationDetails) =>
        Broker.PostFormAsync("oauth2/token", request.ToForm().Append(new("authorization_details", authorizationDetails)));

    private async Task PostEvidenceAsync(string authorization, string subject, string result)
    {
        var body = System.Text.Encoding.UTF8.GetBytes($$"""{"kind":"eval","subject":"{{subject}}","result":"{{result}}"}""");
        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "evidence", body, "application/json", authorization: authorization);
        Assert.True(reply.Status == System.Net.HttpStatusCode.Created, reply.ToString());
    }

    // Invariant 7: the refusal's own deny record (naming the delegator) is all that changed; nothing was issued.
    private async Task AssertOnlyTheRefusalRecordedAsync(int before, string delegator)
    {
        var after = await Broker.ReadAuditAsync();
        Assert.Equal(before + 1, after.Count);
        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Decision), e => e.Outcome == "deny");
        Assert.Equal(delegator, refusal.Evidence["delegator"]);
        await Broker.AssertNothingIssuedAsync();
    }
}
