using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Approvals;

/// <summary>Invariant 7: a malformed CIBA poll gets invalid_request (RFC 6749 §5.2) naming what is wrong, and changes nothing.</summary>
public sealed class ApprovalPollInputTests : ApprovalTest
{
    [Fact]
    public async Task Invariant7_ApprovalPoll_AuthReqIdLongerThanAnyId_RefusedSayingItIsTooLong()
    {
        var reply = await PollAsync(new string('a', 129));

        Expect.Refused(reply, "invalid_request", "auth_req_id is longer than any id the broker hands out (128 characters)");
        Assert.Equal("approval.auth_req_id_too_long", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ApprovalPoll_AuthReqIdMissing_RefusedSayingItIsRequired()
    {
        var reply = await PollAsync("");

        Expect.Refused(reply, "invalid_request", "auth_req_id is required");
        Assert.Equal("approval.auth_req_id_missing", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("[{\"type\":\"refund\",\"amount\":250")]
    [InlineData("{\"type\":\"refund\",\"amount\":250,\"currency\":\"EUR\"}")]
    [InlineData("[{\"type\":\"refund\",\"amount\":250,\"amount\":250,\"currency\":\"EUR\"}]")]
    public async Task Invariant7_ApprovalPoll_MalformedAuthorizationDetails_IsInvalidAuthorizationDetailsAndStaysCollectable(string details)
    {
        // RFC 9396 §5: the same answer as the exchange gives, not invalid_grant as if they were other, valid details.
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var reply = await Broker.PostFormAsync("oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", Broker.Svid(TestBroker.SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
            new("authorization_details", details),
        ]);

        Expect.Refused(reply, "invalid_authorization_details", "authorization_details must be a JSON array");
        Assert.Equal("resolve.details_invalid", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
        Expect.Issued(await PollAsync(id));
    }
}
