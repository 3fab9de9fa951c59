using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// A broker whose refunds tool takes refund authorization_details: refunds up to 100 are allowed at once (so
/// runs start), bigger ones wait for a human (CIBA-style poll). Helpers ask, approve and poll as an agent would.
/// </summary>
public abstract class ApprovalTest : BrokerTest
{
    /// <summary>One refund bigger than the policy lets through without a human.</summary>
    internal const string BigRefund = """[{"type":"refund","amount":250,"currency":"EUR"}]""";

    /// <summary>The test broker whose refunds tool takes refund authorization_details.</summary>
    internal static readonly string ApprovalConfiguration = TestBroker.Configuration.Replace(
        $"{{ name: refunds, resource: {Refunds}, scopes: [refunds:read, refunds:write, refunds:admin], workloads: [{RefundsWorkload}] }}",
        $"{{ name: refunds, resource: {Refunds}, scopes: [refunds:read, refunds:write, refunds:admin], workloads: [{RefundsWorkload}], authorization_details_types: [{{ type: refund, fields: {{ amount: number, currency: string }} }}] }}",
        StringComparison.Ordinal);

    /// <summary>Refunds up to 100 at once, bigger ones after a human approves.</summary>
    internal const string ApprovalPolicy = """
        rules:
          - id: small-refunds
            reason: Refunds up to 100 need no human.
            effect: allow
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            when: authorization_details.all(d, d.amount <= 100)
          - id: big-refunds-need-approval
            reason: Refunds over 100 need a human to approve this exact refund.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
            approval_expires_in: 10m
        """;

    /// <summary>A rule for another agent: a reload that adds it changes no rule an approval was asked under.</summary>
    internal const string ResearchReadsRefunds = """
          - id: research-reads-refunds
            reason: Research may read refunds.
            effect: allow
            agents: ["spiffe://acme.example/agents/research/*"]
            tools: [refunds]
            scopes: [refunds:read]
        """;

    protected override string Configuration => ApprovalConfiguration;

    protected override string Policy => ApprovalPolicy;

    /// <summary>Asks for a big refund with <paramref name="request"/> and returns the auth_req_id of the pending approval.</summary>
    protected async Task<string> AskAsync(ExchangeRequest request)
    {
        var reply = await Broker.PostFormAsync("oauth2/token", request.ToForm().Append(new("authorization_details", BigRefund)));
        Assert.True(reply.Error == "authorization_pending", reply.ToString());
        return reply.Member("auth_req_id")!;
    }

    /// <summary>A human approves through the admin API, as 'mandate approvals approve' does.</summary>
    protected async Task ApproveAsync(string id)
    {
        using var admin = Broker.Admin();
        await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
    }

    /// <summary>The OpenID CIBA §10.1 token request for <paramref name="id"/> as <paramref name="agent"/>, to <paramref name="node"/> (default the test's broker).</summary>
    protected Task<OAuthReply> PollAsync(string id, string agent = SupportAgent, BrokerHarness? node = null) =>
        (node ?? Broker).PostFormAsync("oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", (node ?? Broker).Svid(agent)),
            new("actor_token_type", ExchangeRequest.JwtType),
        ]);

    /// <summary>As 'mandate revoke --TARGET VALUE'.</summary>
    protected async Task RevokeAsync(string target, string value)
    {
        using var admin = Broker.Admin();
        await admin.RevokeAsync(target, value, "incident");
    }

    /// <summary>
    /// Invariant 6's witness after a refused collection: the refusal is audited with its check id, no issuance
    /// record names the approval, and the approval was not consumed (nothing was minted from it). A standing check's
    /// refusal also withdraws the approval; the kill switch (refused at attestation) leaves it approved.
    /// </summary>
    protected async Task AssertRefusedAndNothingIssuedAsync(string id, string check)
    {
        var withdrawn = check != AttestChecks.AgentDisabled.Id;
        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused), e => e.Evidence["approval_id"] == id);
        Assert.Equal((withdrawn ? "withdrawn" : "refused", check), (refusal.Outcome, refusal.Evidence["check"]));
        Assert.DoesNotContain(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == id);
        var approval = await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None);
        Assert.Equal(withdrawn ? ApprovalStatus.Withdrawn : ApprovalStatus.Approved, approval!.Status);
        Assert.Null(approval.Jti);
    }

    /// <summary>Reloads <paramref name="policy"/> as a change of the policy file would; it must be valid and a new version.</summary>
    protected async Task ReloadAsync(string policy)
    {
        var before = Broker.Runtime.Policy.Current.Version;
        await Broker.WritePolicyAsync(policy);
        var result = await Broker.Runtime.Policy.ReloadAsync();
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.NotEqual(before, Broker.Runtime.Policy.Current.Version);
    }
}
