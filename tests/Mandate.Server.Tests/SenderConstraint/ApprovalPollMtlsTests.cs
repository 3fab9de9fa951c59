using Mandate.Core.Approvals;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// RFC 8705 §3 over the CIBA poll: an agent that collects an approved credential over mutual TLS gets it bound to its
/// X.509-SVID, as its exchange would be, and a certificate naming another workload than the actor_token is refused.
/// </summary>
public sealed class ApprovalPollMtlsTests : MtlsTest
{
    protected override string Policy => """
        rules:
          - id: refunds-need-approval
            reason: Every refund waits for a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/*"]
            tools: [refunds]
        """;

    private async Task<string> AskAndApproveAsync()
    {
        var asked = await Mtls.ExchangeAsync(Mtls.Svid(TestBroker.SupportAgent), Broker.RefundRequest());
        Assert.True(asked.Error == "authorization_pending", asked.ToString());
        var id = asked.Member("auth_req_id")!;
        using var admin = Broker.Admin();
        await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
        return id;
    }

    private Task<OAuthReply> PollAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 svid, string id) =>
        Mtls.PostAsync(svid, "oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", Broker.Svid(TestBroker.SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
        ]);

    [Fact]
    public async Task ApprovalPoll_OverMtls_CollectsACredentialBoundToTheCertificate()
    {
        var id = await AskAndApproveAsync();
        var svid = Mtls.Svid(TestBroker.SupportAgent);

        var credential = Expect.Issued(await PollAsync(svid, id));

        Assert.Equal(CertificateThumbprint.X5tS256(svid), ConfirmationClaim.FromToken(IssuedTokens.Read(credential))?.X5tS256);
    }

    [Fact]
    public async Task ApprovalPoll_CertificateOfAnotherWorkloadThanTheActorToken_IsRefusedAndNothingIsCollected()
    {
        var id = await AskAndApproveAsync();

        var reply = await PollAsync(Mtls.Svid(TestBroker.ResearchAgent), id);

        Expect.Refused(reply, "invalid_request", "client certificate", TestBroker.SupportAgent, TestBroker.ResearchAgent);
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Invariant3_ApprovalAskedOverMtls_CollectedWithoutACertificate_RefusedAndStaysCollectable()
    {
        var id = await AskAndApproveAsync();

        var bearer = await Mtls.PostAsync(null, "oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", Broker.Svid(TestBroker.SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
        ]);

        Expect.Refused(bearer, "invalid_grant", "bound to mtls", "poll over mutual TLS");
        Assert.Equal("approval.sender_differs", bearer.Member("check_id"));
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task ApprovalPoll_OverMtlsWithoutActorToken_CollectsACredentialBoundToTheCertificate()
    {
        // RFC 8705 §2 (tls_client_auth): the certificate authenticates the agent at the poll as at the exchange.
        var asked = await Mtls.ExchangeAsync(Mtls.Svid(TestBroker.SupportAgent), Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null });
        Assert.True(asked.Error == "authorization_pending", asked.ToString());
        var id = asked.Member("auth_req_id")!;
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
        }

        var svid = Mtls.Svid(TestBroker.SupportAgent);
        var credential = Expect.Issued(await Mtls.PostAsync(svid, "oauth2/token",
            [new("grant_type", "urn:openid:params:grant-type:ciba"), new("auth_req_id", id)]));

        Assert.Equal(CertificateThumbprint.X5tS256(svid), ConfirmationClaim.FromToken(IssuedTokens.Read(credential))?.X5tS256);
        Assert.Equal(ApprovalStatus.Consumed, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Invariant7_ApprovalPoll_ActorTokenTypeWithoutActorTokenOverMtls_IsInvalidRequestAndStaysCollectable()
    {
        // RFC 8693 §2.1: actor_token_type MUST NOT be included without actor_token.
        var id = await AskAndApproveAsync();

        var reply = await Mtls.PostAsync(Mtls.Svid(TestBroker.SupportAgent), "oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token_type", ExchangeRequest.JwtType),
        ]);

        Expect.Refused(reply, "invalid_request", "send actor_token together with actor_token_type");
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }
}
