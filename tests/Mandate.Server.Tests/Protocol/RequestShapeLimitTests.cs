using System.Buffers.Text;
using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Requests shaped to exhaust the broker, sent without valid credentials: oversized headers, forms of very many or
/// repeated parameters, and identity tokens of thousands of claims or thousands of nesting levels. Each gets its
/// standard refusal, never a 5xx, and changes nothing.
/// </summary>
public sealed class RequestShapeLimitTests : BrokerTest
{
    private const string Form = "application/x-www-form-urlencoded";
    private const int FormReaderLimit = Mandate.Server.Http.FormReader.MaxBodyBytes;

    [Theory]
    [InlineData("POST", "oauth2/token")]
    [InlineData("POST", "oauth2/introspect")]
    [InlineData("POST", "oauth2/revoke")]
    [InlineData("GET", ".well-known/oauth-authorization-server")]
    [InlineData("GET", ".well-known/jwks.json")]
    public async Task Invariant7_HeadersOverTheListenerLimit_Returns431AndChangesNothing(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(RawRequests.ValidExchangeBody(Broker), Encoding.UTF8, Form);
        }

        // RFC 6585 §5: request header fields too large → 431. Kestrel's MaxRequestHeadersTotalSize is 32 KiB.
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 40 * 1024));

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, reply.Status);
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("POST", "oauth2/token")]
    [InlineData("GET", ".well-known/oauth-authorization-server")]
    [InlineData("GET", ".well-known/jwks.json")]
    public async Task Invariant7_RequestTargetOverTheListenerLimit_Returns414AndChangesNothing(string method, string path)
    {
        // RFC 9112 §3: a server that receives a request-target longer than it wishes to parse MUST respond 414.
        using var request = new HttpRequestMessage(new HttpMethod(method), path + "?q=" + new string('a', 9 * 1024));

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, reply.Status);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_FormOfAHundredThousandParameters_Returns413AndChangesNothing()
    {
        var body = RawRequests.ValidExchangeBody(Broker) + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"&p{i}=1"));

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Equal("request.body_too_large", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ScopeRepeatedAThousandTimes_ReturnsInvalidRequestAndChangesNothing()
    {
        // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."
        var body = RawRequests.ValidExchangeBody(Broker) + string.Concat(Enumerable.Repeat("&scope=refunds%3Aread", 1000));

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Equal("request.duplicate_parameter", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ActorTokenOfThousandsOfClaims_IsRefusedUnparsedAndChangesNothing()
    {
        var claims = new StringBuilder(Payload(Broker.WorkloadClaims(TestBroker.SupportAgent)).TrimEnd('}'));
        for (var i = 0; i < 3000; i++)
        {
            claims.Append(",\"c").Append(i).Append("\":0");
        }

        var token = Sign(claims.Append('}').ToString());
        Assert.InRange(token.Length, Mandate.Core.Attestation.JwtAttestor.MaxTokenLength + 1, FormReaderLimit);

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = token }));

        AssertMalformedActorToken(reply);
    }

    [Fact]
    public async Task Invariant7_ActorTokenNestedFifteenHundredDeep_IsRefusedAndChangesNothing()
    {
        const int depth = 1500;
        var payload = Payload(Broker.WorkloadClaims(TestBroker.SupportAgent)).TrimEnd('}')
            + ",\"deep\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "0" + new string('}', depth) + "}";

        var token = Sign(payload);
        // Under the attestor's length limit, so the token's shape is what is judged.
        Assert.InRange(token.Length, 1, Mandate.Core.Attestation.JwtAttestor.MaxTokenLength);

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = token }));

        AssertMalformedActorToken(reply);
    }

    private void AssertMalformedActorToken(OAuthReply reply)
    {
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Equal("attest.actor_token", reply.Member("check_id"));
        Assert.Equal(0, Broker.App.App.Services.GetRequiredService<Mandate.Core.Attestation.ValidatedTokenCache>().Count);
    }

    private static string Payload(Dictionary<string, object> claims) => System.Text.Json.JsonSerializer.Serialize(claims);

    /// <summary>Signed by the trusted workload issuer, so nothing but the payload's shape is wrong.</summary>
    private string Sign(string payloadJson)
    {
        var header = RawJwt.Segment(new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = Broker.WorkloadKey.Kid });
        var input = header + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson));
        return input + "." + Base64Url.EncodeToString(RawJwt.Es256(Broker.WorkloadKey.Key)(Encoding.ASCII.GetBytes(input)));
    }
}
