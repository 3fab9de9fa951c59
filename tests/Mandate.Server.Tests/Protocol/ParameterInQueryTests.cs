using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// RFC 6749 §3.2: a request's parameters travel in the form body. One in the URL's query (a token above all, which
/// every log on the way has now seen, RFC 6750 §2.3) is refused as invalid_request naming it, never silently ignored
/// while the body decides, and nothing is issued, revoked or recorded.
/// </summary>
public sealed class ParameterInQueryTests : BrokerTest
{
    [Theory]
    [InlineData("subject_token")]
    [InlineData("actor_token")]
    [InlineData("scope")]
    [InlineData("grant_type")]
    [InlineData("client_secret")]
    [InlineData("access_token")]
    public async Task Token_OAuthParameterInTheQueryBesideAValidBody_400InvalidRequestNothingIssued(string name)
    {
        var body = Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker));

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            RawRequests.SendAsync(Broker, HttpMethod.Post, $"oauth2/token?{name}=x", body, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_request", reply.Member("error"));
        Assert.Equal("request.parameter_in_query", reply.Member("check_id"));
        Assert.StartsWith($"{name} was sent in the URL's query", reply.Member("error_description"), StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Token_SubjectTokenOnlyInTheQuery_SaysWhereItBelongsNotThatItIsMissing()
    {
        var request = Broker.RefundRequest();
        var form = request.ToForm().Where(p => p.Key != "subject_token").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}");
        var subject = request.SubjectToken;

        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token?subject_token=" + Uri.EscapeDataString(subject!),
            Encoding.UTF8.GetBytes(string.Join('&', form)), "application/x-www-form-urlencoded");

        Assert.Equal("request.parameter_in_query", reply.Member("check_id"));
        Assert.DoesNotContain(subject!, reply.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_UnknownQueryParameter_IsIgnored()
    {
        // RFC 6749 §3.1: unrecognized parameters are ignored; only the ones Mandate reads are refused in the query.
        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token?utm_source=docs",
            Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker)), "application/x-www-form-urlencoded");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Theory]
    [InlineData("grant_type=")]
    [InlineData("subject_token")]
    [InlineData("access_token=&scope=")]
    public async Task Token_OAuthParameterWithoutAValueInTheQuery_IsOmittedAndIssues(string query)
    {
        // RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted from the request."
        // An empty one carries nothing to expose, so the query holds no parameter to refuse.
        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token?" + query,
            Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker)), "application/x-www-form-urlencoded");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Fact]
    public async Task Introspect_TokenWithoutAValueInTheQuery_IsOmittedAndTheBodyIsRead()
    {
        var token = await Broker.IssueAsync();

        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/introspect?token=",
            Encoding.UTF8.GetBytes("token=" + token), "application/x-www-form-urlencoded", authorization: "Bearer " + Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(reply), reply.ToString());
    }

    [Theory]
    [InlineData("oauth2/introspect")]
    [InlineData("oauth2/revoke")]
    public async Task IntrospectOrRevoke_TokenInTheQuery_400InvalidRequestAndTheCredentialStaysActive(string path)
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, $"{path}?token={token}",
            Encoding.UTF8.GetBytes("token=" + token), "application/x-www-form-urlencoded", authorization: "Bearer " + Broker.Svid(RefundsWorkload)));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("request.parameter_in_query", reply.Member("check_id"));
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    [Fact]
    public async Task Introspect_BearerTokenAsAccessTokenQuery_RefusedAsInTheQueryNotAsMissing()
    {
        var token = await Broker.IssueAsync();

        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/introspect?access_token=" + Broker.Svid(RefundsWorkload),
            Encoding.UTF8.GetBytes("token=" + token), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("request.parameter_in_query", reply.Member("check_id"));
    }
}
