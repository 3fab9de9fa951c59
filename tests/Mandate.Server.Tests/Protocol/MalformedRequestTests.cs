using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Invariant 7: bad input gets a clear, standard error and changes nothing. Each test checks the
/// exact status and OAuth error, that the answer is JSON, and that the audit trail did not move.
/// </summary>
[Trait("Invariant", "7")]
public sealed class MalformedRequestTests : BrokerTest
{
    private const string Form = "application/x-www-form-urlencoded";

    [Theory]
    [InlineData("GET", "oauth2/token")]
    [InlineData("PUT", "oauth2/token")]
    [InlineData("DELETE", "oauth2/introspect")]
    [InlineData("GET", "oauth2/revoke")]
    public async Task Invariant7_WrongMethod_Returns405JsonAndChangesNothing(string method, string path)
    {
        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, new HttpMethod(method), path, null, null));

        AssertError(reply, HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal("request.method_not_allowed", reply.Member("check_id"));
        Assert.Equal("POST", reply.Header("Allow"));
    }

    [Theory]
    [InlineData("TRACE", "oauth2/token")]
    [InlineData("OPTIONS", "oauth2/introspect")]
    [InlineData("PATCH", "oauth2/revoke")]
    public async Task Invariant7_MethodRoutingDoesNotList_Returns405WhoseAllowNamesOnlyPost(string method, string path)
    {
        // RFC 9110 §15.5.6: a 405's Allow lists the methods the resource supports, whatever method was tried.
        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, new HttpMethod(method), path, null, null));

        AssertError(reply, HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal("request.method_not_allowed", reply.Member("check_id"));
        Assert.Equal("POST", reply.Header("Allow"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/x-www-form-urlencoded; charset=iso-8859-1")]
    [InlineData("not a media type")]
    [InlineData(null)]
    public async Task Token_WrongContentType_Returns415JsonAndChangesNothing(string? contentType)
    {
        var body = Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker));

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", body, contentType));

        AssertError(reply, HttpStatusCode.UnsupportedMediaType, "invalid_request");
        Assert.Equal(contentType?.Contains("charset", StringComparison.Ordinal) == true ? "request.unsupported_charset" : "request.unsupported_media_type", reply.Member("check_id"));
    }

    [Fact]
    public async Task Token_DuplicateParameter_ReturnsInvalidRequestAndChangesNothing()
    {
        var body = RawRequests.ValidExchangeBody(Broker) + "&scope=refunds%3Aread";

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        AssertError(reply, HttpStatusCode.BadRequest, "invalid_request", "'scope' appears more than once");
        Assert.Equal("request.duplicate_parameter", reply.Member("check_id"));
    }

    [Theory]
    [InlineData("resource", "https%3A%2F%2Fcrm.acme.example")]
    [InlineData("resource", "https%3A%2F%2Frefunds.acme.example")]
    [InlineData("audience", "refunds&audience=crm")]
    public async Task Token_SeveralTargets_ReturnsInvalidTargetAndChangesNothing(string name, string values)
    {
        // RFC 8693 §2.1 and RFC 8707 §2 allow several targets; a credential is for one tool, so RFC 8693 §2.2.2's invalid_target.
        var body = RawRequests.ValidExchangeBody(Broker) + $"&{name}={values}";

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        AssertError(reply, HttpStatusCode.BadRequest, "invalid_target", $"{name} appears more than once: a credential is for exactly one tool");
        Assert.Equal("request.target_repeated", reply.Member("check_id"));
    }

    [Fact]
    public async Task Token_BodyOverLimitWithContentLength_Returns413AndChangesNothing()
    {
        var body = RawRequests.ValidExchangeBody(Broker) + "&padding=" + new string('a', 70 * 1024);

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        AssertError(reply, HttpStatusCode.RequestEntityTooLarge, "invalid_request");
        Assert.Equal("request.body_too_large", reply.Member("check_id"));
    }

    [Fact]
    public async Task Token_ChunkedBodyOverLimit_Returns413AndChangesNothing()
    {
        var body = Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker) + "&padding=" + new string('a', 70 * 1024));

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", body, Form, chunked: true));

        AssertError(reply, HttpStatusCode.RequestEntityTooLarge, "invalid_request");
        Assert.Equal("request.body_too_large", reply.Member("check_id"));
    }

    [Fact]
    public async Task Token_OversizedBodyRefusedUnread_AnnouncesConnectionCloseAndNextRequestSucceeds()
    {
        // Refused for its content type before the body is read; the body is over the limit, so it cannot be drained.
        var body = Encoding.UTF8.GetBytes(new string('a', 100 * 1024));

        var refused = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", body, "text/plain");
        var next = await Broker.ExchangeAsync(Broker.RefundRequest());

        AssertError(refused, HttpStatusCode.UnsupportedMediaType, "invalid_request");
        Assert.Equal("close", refused.Header("Connection"));
        Expect.Issued(next);
    }

    [Theory]
    [InlineData("%FF")]
    [InlineData("%C0%AF")]
    [InlineData("%ED%A0%80")]
    [InlineData("%00")]
    [InlineData("%1B")]
    [InlineData("%7F")]
    [InlineData("%C2%85")]
    [InlineData("%C2%9F")]
    [InlineData("%F")]
    [InlineData("%zz")]
    public async Task Token_InvalidEncodingInValue_Returns400AndChangesNothing(string value)
    {
        var body = RawRequests.ValidExchangeBody(Broker) + "&run=" + value;

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        AssertError(reply, HttpStatusCode.BadRequest, "invalid_request", "not form-encoded UTF-8 text");
        Assert.Equal("request.malformed_body", reply.Member("check_id"));
    }

    [Fact]
    public async Task Token_RawInvalidUtf8Bytes_Returns400AndChangesNothing()
    {
        byte[] body = [.. Encoding.ASCII.GetBytes(RawRequests.ValidExchangeBody(Broker) + "&run="), 0xFF, 0xFE];

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", body, Form));

        AssertError(reply, HttpStatusCode.BadRequest, "invalid_request", "not form-encoded UTF-8 text");
        Assert.Equal("request.malformed_body", reply.Member("check_id"));
    }

    [Fact]
    public async Task Token_MissingGrantType_ReturnsInvalidRequestAndChangesNothing()
    {
        var request = Broker.RefundRequest() with { GrantType = null };

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(request));

        AssertError(reply, HttpStatusCode.BadRequest, "invalid_request", "grant_type is required");
    }

    [Theory]
    [InlineData("client_credentials")]
    [InlineData("authorization_code")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    public async Task Token_UnsupportedGrantType_ReturnsUnsupportedGrantTypeAndChangesNothing(string grantType)
    {
        var request = Broker.RefundRequest() with { GrantType = grantType };

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(request));

        AssertError(reply, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    public static TheoryData<string, string, string> BrokenExchanges => new()
    {
        { "no subject_token", "invalid_request", "subject_token and subject_token_type are required" },
        { "no actor_token", "invalid_request", "actor_token is required" },
        { "saml actor_token_type", "invalid_request", "actor_token_type must be" },
        { "actor_token without actor_token_type", "invalid_request", "actor_token_type must be" },
        { "no subject_token_type", "invalid_request", "subject_token and subject_token_type are required" },
        { "saml requested_token_type", "invalid_request", "requested_token_type must be" },
        { "refresh subject_token_type", "invalid_request", "subject_token_type must be" },
        { "no resource", "invalid_target", "name the tool" },
        { "relative resource", "invalid_target", "resource must be an absolute URI" },
        { "resource and audience differ", "invalid_target", "resource and audience differ" },
        { "no scope", "invalid_scope", "scope is required" },
        { "quoted scope", "invalid_scope", "printable ASCII" },
        { "tenant with slash", "invalid_request", "tenant must be" },
        { "run too long", "invalid_request", "run must be" },
    };

    [Theory]
    [MemberData(nameof(BrokenExchanges))]
    public async Task Token_MalformedExchangeParameter_ReturnsStandardErrorAndChangesNothing(string broken, string error, string reason)
    {
        var valid = Broker.RefundRequest();
        var request = broken switch
        {
            "no subject_token" => valid with { SubjectToken = null },
            "no actor_token" => valid with { ActorToken = null },
            "saml actor_token_type" => valid with { ActorTokenType = "urn:ietf:params:oauth:token-type:saml2" },
            // RFC 8693 §2.1: actor_token_type is "REQUIRED when the actor_token parameter is present in the request".
            "actor_token without actor_token_type" => valid with { ActorTokenType = null },
            // RFC 8693 §2.1: subject_token_type is REQUIRED.
            "no subject_token_type" => valid with { SubjectTokenType = null },
            "saml requested_token_type" => valid with { RequestedTokenType = "urn:ietf:params:oauth:token-type:saml2" },
            "refresh subject_token_type" => valid with { SubjectTokenType = "urn:ietf:params:oauth:token-type:refresh_token" },
            "no resource" => valid with { Resource = null },
            "relative resource" => valid with { Resource = "/refunds" },
            "resource and audience differ" => valid with { Audience = "crm" },
            "no scope" => valid with { Scope = null },
            "quoted scope" => valid with { Scope = "refunds:\"write\"" },
            "tenant with slash" => valid with { Tenant = "acme/../globex" },
            "run too long" => valid with { Run = new string('r', 129) },
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(request));

        AssertError(reply, HttpStatusCode.BadRequest, error, reason);
    }

    [Fact]
    public async Task Invariant7_AdminApiOverTcp_Returns404AndRevokesNothing()
    {
        var token = await Broker.IssueAsync();
        var jti = IssuedTokens.Read(token).Id;
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/revocations")
        {
            Content = new StringContent($"{{\"target\":\"token\",\"value\":\"{jti}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "mandate-admin";

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.SendAsync(request));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(TestBroker.RefundsWorkload))));
    }

    private static void AssertError(OAuthReply reply, HttpStatusCode status, string error, string? reason = null)
    {
        Assert.True(reply.Status == status, $"expected HTTP {(int)status}, got {reply}");
        Assert.True(reply.IsJson, $"expected a JSON body, got {reply} ({reply.MediaType})");
        Assert.Equal(error, reply.Error);
        Assert.NotEmpty(reply.Description);
        if (reason is not null)
        {
            Assert.Contains(reason, reply.Description, StringComparison.Ordinal);
        }
    }
}
