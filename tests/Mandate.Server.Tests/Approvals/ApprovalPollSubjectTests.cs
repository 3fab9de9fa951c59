using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// A poll that names whom it is for (subject_token) must name the user, tenant and run the approval was asked for,
/// with a token attested as at the exchange; otherwise nothing is collected (RFC 6749 §5.2 invalid_grant for another
/// subject, invalid_request for a token that is not valid) and the approval stays collectable by its own request.
/// </summary>
public sealed class ApprovalPollSubjectTests : ApprovalTest
{
    [Theory]
    [InlineData("bob", "acme")]
    [InlineData("alice", "globex")]
    public async Task ApprovalPoll_SubjectTokenOfAnotherUserOrTenant_RefusedInvalidGrantAndStaysCollectable(string user, string tenant)
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var reply = await PollWithSubjectAsync(id, Broker.UserToken(user, tenant));

        Expect.Refused(reply, "invalid_grant", "subject_token names another user, issuer, tenant or run", $"approval '{id}'");
        Assert.Equal("approval.subject_differs", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
        Expect.Issued(await PollAsync(id));
    }

    [Fact]
    public async Task ApprovalPoll_SubjectTokenOfTheSameSubFromAnotherTrustedIssuer_RefusedSubjectDiffers()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        var claims = Broker.UserClaims();
        claims["iss"] = PartnerIssuer;

        // partner-idp is trusted for tenant acme too, but its 'alice' is not the acme-idp 'alice' who asked.
        var reply = await PollWithSubjectAsync(id, Broker.PartnerKey.Sign(claims));

        Expect.Refused(reply, "invalid_grant", "subject_token names another user, issuer, tenant or run", $"approval '{id}'");
        Assert.Equal("approval.subject_differs", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
        Expect.Issued(await PollWithSubjectAsync(id, Broker.UserToken()));
    }

    [Fact]
    public async Task ApprovalPoll_SubjectTokenOfTheSameUser_Collects()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        Expect.Issued(await PollWithSubjectAsync(id, Broker.UserToken()));
    }

    [Fact]
    public async Task ApprovalPoll_RunTokenOfTheSameRun_Collects()
    {
        var runToken = await Broker.StartRunAsync();
        var id = await AskAsync(Broker.InRunRequest(runToken));
        await ApproveAsync(id);

        Expect.Issued(await PollWithSubjectAsync(id, runToken, ExchangeRequest.TxnTokenType));
    }

    [Fact]
    public async Task ApprovalPoll_RunTokenOfAnotherRun_RefusedInvalidGrant()
    {
        var id = await AskAsync(Broker.InRunRequest(await Broker.StartRunAsync()));
        await ApproveAsync(id);

        var reply = await PollWithSubjectAsync(id, await Broker.StartRunAsync(), ExchangeRequest.TxnTokenType);

        Expect.Refused(reply, "invalid_grant", "subject_token names another user, issuer, tenant or run");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ApprovalPoll_SubjectTokenNotValid_RefusedInvalidRequestNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var reply = await PollWithSubjectAsync(id, "not.a.token");

        Expect.Refused(reply, "invalid_request", "subject_token");
        Assert.Equal("attest.subject_token", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData(null, ExchangeRequest.JwtType, "request.subject_token_missing")]
    [InlineData("token", null, "request.subject_token_missing")]
    [InlineData("token", "urn:ietf:params:oauth:token-type:saml2", "request.subject_token_type")]
    public async Task Invariant7_ApprovalPoll_SubjectTokenOrTypeAlone_RefusedInvalidRequest(string? token, string? type, string check)
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var reply = await PollWithSubjectAsync(id, token == "token" ? Broker.UserToken() : token, type);

        Expect.Refused(reply, "invalid_request", "subject_token");
        Assert.Equal(check, reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    private Task<OAuthReply> PollWithSubjectAsync(string id, string? subjectToken, string? subjectTokenType = ExchangeRequest.JwtType)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", Broker.Svid(SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
        };
        if (subjectToken is not null)
        {
            form.Add(new("subject_token", subjectToken));
        }

        if (subjectTokenType is not null)
        {
            form.Add(new("subject_token_type", subjectTokenType));
        }

        return Broker.PostFormAsync("oauth2/token", form);
    }
}
