using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// RFC 9449 §5: a DPoP proof binds the access token a token request returns, whatever the grant type, so the CIBA
/// poll that collects an approved credential binds it to the poll's proof as the exchange binds its own. A client
/// such as openid-client sends its DPoP handle's proof with every token request of a flow, the poll included.
/// </summary>
public sealed class ApprovalSenderBindingTests : ApprovalTest, IDisposable
{
    private readonly DpopProofs _key = new();

    public void Dispose() => _key.Dispose();

    private string Proof(DpopProofs key) => key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now);

    private async Task<string> AskWithProofAsync(string proof)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm().Append(new("authorization_details", BigRefund))),
        };
        request.Headers.Add("DPoP", proof);
        var reply = await Broker.SendAsync(request);
        Assert.True(reply.Error == "authorization_pending", reply.ToString());
        return reply.Member("auth_req_id")!;
    }

    private Task<OAuthReply> PollWithProofAsync(string id, string proof)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "urn:openid:params:grant-type:ciba"),
                new("auth_req_id", id),
                new("actor_token", Broker.Svid(TestBroker.SupportAgent)),
                new("actor_token_type", ExchangeRequest.JwtType),
            ]),
        };
        request.Headers.Add("DPoP", proof);
        return Broker.SendAsync(request);
    }

    [Fact]
    public async Task ApprovalPoll_WithDpopProof_CollectsACredentialBoundToTheProofsKey()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var reply = await PollWithProofAsync(id, _key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now));

        var credential = Expect.Issued(reply);
        Assert.Equal("DPoP", reply.Member("token_type"));
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(credential))?.Jkt);
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == id);
        Assert.Equal((_key.Thumbprint, "dpop"), (issuance.Evidence["dpop_jkt"], issuance.Evidence["sender_constraint"]));
    }

    [Fact]
    public async Task ApprovalPoll_WithInvalidDpopProof_IsRefusedAndTheApprovalStaysCollectable()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var refused = await PollWithProofAsync(id, _key.Create("POST", "https://elsewhere.example/oauth2/token", Broker.Now));

        Expect.Refused(refused, "invalid_dpop_proof", "htu");
        var collected = await PollAsync(id);
        Expect.Issued(collected);
        Assert.Equal("Bearer", collected.Member("token_type"));
    }

    [Fact]
    public async Task Invariant3_ApprovalAskedWithADpopKey_CollectedAsBearerOrWithAnotherKey_RefusedAndStaysCollectable()
    {
        var id = await AskWithProofAsync(Proof(_key));
        await ApproveAsync(id);
        using var other = new DpopProofs();

        var bearer = await PollAsync(id);
        var otherKey = await PollWithProofAsync(id, Proof(other));

        Expect.Refused(bearer, "invalid_grant", "jkt:" + _key.Thumbprint, "a bearer request", "signed by the key the request was made with");
        Expect.Refused(otherKey, "invalid_grant", "bound to jkt:" + other.Thumbprint);
        Assert.Equal(("approval.sender_differs", "approval.sender_differs"), (bearer.Member("check_id"), otherKey.Member("check_id")));
        Assert.Equal(Core.Approvals.ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.DoesNotContain(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == id);
        var collected = await PollWithProofAsync(id, Proof(_key));
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(Expect.Issued(collected)))?.Jkt);
    }

    [Fact]
    public async Task ApprovalAskedWithADpopKey_RecordsTheKeyOnTheApproval()
    {
        var id = await AskWithProofAsync(Proof(_key));

        Assert.Equal("jkt:" + _key.Thumbprint, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.SenderBinding);
    }
}
