using System.Net;
using System.Globalization;
using System.Text;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>
/// Client authentication at introspection and revocation, from RFC 6749 §2.3 and §3.2.1: the caller authenticates with
/// its workload identity as a bearer token, and nothing else. A second method beside it, or a client_id naming another
/// client, gets invalid_client with 401 and changes nothing, as at the token endpoint. The bearer token sent a second
/// time, as <c>access_token</c> in the body (RFC 6750 §2.2), or a second Authorization header, is a malformed request:
/// invalid_request with 400.
/// </summary>
[Trait("Invariant", "7")]
public sealed class WorkloadClientAuthenticationTests : BrokerTest
{
    [Theory]
    [InlineData("oauth2/introspect", "client_secret", "s3cret")]
    [InlineData("oauth2/introspect", "client_assertion", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln")]
    [InlineData("oauth2/introspect", "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")]
    [InlineData("oauth2/revoke", "client_secret", "s3cret")]
    [InlineData("oauth2/revoke", "client_assertion", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln")]
    public async Task SecondAuthenticationMethodBesideTheBearer_Returns401InvalidClientAndChangesNothing(string path, string name, string value)
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            Broker.PostFormAsync(path, [new("token", token), new(name, value)], Broker.Svid(SupportAgent)));

        Expect.Refused(reply, "invalid_client", name);
        Assert.Equal("client.authentication_unsupported", reply.Member("check_id"));
        Assert.Equal("Bearer error=\"invalid_client\"", reply.Header("WWW-Authenticate"));
        Assert.True(await Broker.ActiveAsync(token));
    }

    [Theory]
    [InlineData("oauth2/introspect")]
    [InlineData("oauth2/revoke")]
    public async Task Invariant7_AccessTokenInTheBodyBesideTheBearerHeader_Returns400InvalidRequestAndChangesNothing(string path)
    {
        // RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each request"; §3.1 answers
        // a request that "uses more than one method for including an access token" with invalid_request (400).
        var token = await Broker.IssueAsync();
        var caller = path == "oauth2/revoke" ? SupportAgent : RefundsWorkload;

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            Broker.PostFormAsync(path, [new("token", token), new("access_token", Broker.Svid(caller))], Broker.Svid(caller)));

        Expect.Refused(reply, "invalid_request", "access_token");
        Assert.Equal("request.access_token_in_body", reply.Member("check_id"));
        Assert.True(await Broker.ActiveAsync(token));
    }

    [Theory]
    [InlineData("oauth2/introspect", "Bearer {0}", "Bearer {0}")]
    [InlineData("oauth2/introspect", "Bearer {0}", "Basic dGVzdDp0ZXN0")]
    [InlineData("oauth2/introspect", "Basic dGVzdDp0ZXN0", "Bearer {0}")]
    [InlineData("oauth2/revoke", "Bearer {0}", "Bearer {0}")]
    [InlineData("oauth2/revoke", "DPoP {0}", "Bearer {0}")]
    public async Task Invariant7_TwoAuthorizationHeaders_Returns400InvalidRequestAndChangesNothing(string path, string first, string second)
    {
        // RFC 6749 §5.2: invalid_request for a request that "utilizes more than one mechanism for authenticating the
        // client, or is otherwise malformed"; RFC 6750 §3.1 answers a malformed request with 400. Sent as two header
        // lines over a raw socket: HTTP clients fold repeated values into one line.
        var token = await Broker.IssueAsync();
        var caller = Broker.Svid(path == "oauth2/revoke" ? SupportAgent : RefundsWorkload);
        var body = Encoding.ASCII.GetBytes("token=" + token);
        var address = Broker.Http.BaseAddress!;
        var head = $"POST /{path} HTTP/1.1\r\nHost: {address.Authority}\r\n"
            + $"Authorization: {string.Format(CultureInfo.InvariantCulture, first, caller)}\r\nAuthorization: {string.Format(CultureInfo.InvariantCulture, second, caller)}\r\n"
            + $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\n";
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();

        var reply = await RawHttp.SendAsync(RawHttp.Tcp(address), head, body);

        Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("\"error\":\"invalid_request\"", reply.Text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"client.authorization_repeated\"", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(caller, reply.Text, StringComparison.Ordinal);
        Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
        Assert.True(await Broker.ActiveAsync(token));
    }

    [Fact]
    public async Task AccessTokenWithoutAValueInTheBody_IsOmittedAndTheCallerIsAnswered()
    {
        // RFC 6749 §3.2: a parameter sent without a value is treated as omitted.
        var token = await Broker.IssueAsync();

        var reply = await Broker.PostFormAsync("oauth2/introspect", [new("token", token), new("access_token", "")], Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(reply), reply.ToString());
    }

    [Theory]
    [InlineData("oauth2/introspect", CrmWorkload)]
    [InlineData("oauth2/introspect", "spiffe://acme.example/tools/refunds/")]
    [InlineData("oauth2/revoke", ExecutorAgent)]
    [InlineData("oauth2/revoke", "support")]
    public async Task ClientIdNamingAnotherClient_Returns401InvalidClientAndChangesNothing(string path, string clientId)
    {
        var token = await Broker.IssueAsync();
        var caller = path == "oauth2/revoke" ? SupportAgent : RefundsWorkload;

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            Broker.PostFormAsync(path, [new("token", token), new("client_id", clientId)], Broker.Svid(caller)));

        Expect.Refused(reply, "invalid_client", "client_id names another client");
        Assert.Equal("attest.client_id", reply.Member("check_id"));
        Assert.True(await Broker.ActiveAsync(token));
    }

    [Fact]
    public async Task ClientIdOfTheCallingWorkload_IsAccepted()
    {
        var token = await Broker.IssueAsync();

        var introspected = await Broker.PostFormAsync("oauth2/introspect", [new("token", token), new("client_id", RefundsWorkload)], Broker.Svid(RefundsWorkload));
        var revoked = await Broker.PostFormAsync("oauth2/revoke", [new("token", token), new("client_id", SupportAgent)], Broker.Svid(SupportAgent));

        Assert.True(IntrospectionReply.Active(introspected));
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.False(await Broker.ActiveAsync(token));
    }
}
