using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>How a credential reaches the proxy (RFC 6750): one, in the Authorization header, valid, for this tool.</summary>
public sealed class ProxyCredentialPresentationTests : ProxyTest
{
    [Fact]
    public async Task Proxy_TwoAuthorizationHeaders_400InvalidRequestNotForwarded()
    {
        var credential = await StripeCredentialAsync();

        // RFC 6750 §3.1: more than one credential is invalid_request (400), as at resource servers.
        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("proxy.credential_malformed", CheckId(problem));
        Assert.Equal("Bearer error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_MissingToken_401ChallengeWithoutErrorCodeNotForwarded()
    {
        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", null);

        // RFC 6750 §3.1: a request without any credential gets a challenge without an error code.
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("proxy.credential_missing", CheckId(problem));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain("\"error\"", problem, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Theory]
    [InlineData(false, true, 1)]
    [InlineData(true, false, 1)]
    [InlineData(true, true, 2)]
    public async Task Proxy_RunTokenModeMissingOrRepeatedHeader_400InvalidRequestNotForwarded(bool actor, bool scope, int runTokens)
    {
        var runToken = await Broker.StartRunAsync(scope: "charges:read");
        var headers = string.Concat(Enumerable.Repeat($"Mandate-Run-Token: {runToken}\r\n", runTokens))
            + (actor ? $"Mandate-Actor-Token: {Broker.Svid(TestBroker.SupportAgent)}\r\n" : "")
            + (scope ? "Mandate-Scope: charges:read\r\n" : "");

        // RFC 6750 §3.1: a missing or repeated parameter is invalid_request (400), not a refused credential (401).
        var (status, text) = await RawAsync("/stripe/v1/charges/ch_1", null, headers);

        Assert.Equal(400, status);
        Assert.Contains("\"check_id\":\"proxy.run_token_headers\"", text, StringComparison.Ordinal);
        Assert.Contains("WWW-Authenticate: Bearer error=\"invalid_request\"", text, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
        Assert.DoesNotContain(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Tool == "stripe");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Proxy_CredentialInQuery_400InvalidRequestNotForwarded(bool alsoInHeader)
    {
        var credential = await StripeCredentialAsync("charges:read");

        // RFC 6750 §2.3 is optional and the proxy documents the header only; the query goes upstream as it came, so with a
        // valid header beside it the agent's credential would reach the tool.
        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1?access_token=" + credential, alsoInHeader ? credential : null);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("proxy.credential_malformed", CheckId(problem));
        Assert.Equal("Bearer error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain(credential, problem, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_CredentialInFormBody_NotAccepted401WithoutErrorCode()
    {
        var credential = await StripeCredentialAsync("refunds:write");

        // RFC 6750 §2.2 is optional; the proxy documents the Authorization header only.
        using var response = await CallAsync(HttpMethod.Post, "stripe/v1/refunds", null, new FormUrlEncodedContent([new("access_token", credential)]));

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("proxy.credential_missing", CheckId(problem));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(Upstream.Received);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Proxy_GarbageToken_401NotForwarded(string token)
    {
        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", token);

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(token, problem, StringComparison.Ordinal);
        Assert.Equal("proxy.credential_invalid", CheckId(problem));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_CredentialForAnotherTool_401NotForwarded()
    {
        var refunds = await Broker.IssueAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", refunds);

        Assert.Equal("proxy.audience_mismatch", CheckId(await ProblemAsync(response, HttpStatusCode.Unauthorized)));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ExpiredCredential_401NotForwarded()
    {
        var credential = await StripeCredentialAsync();
        Broker.Clock.Advance(TestBroker.MaxLifetime + TimeSpan.FromSeconds(1));

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        Assert.Contains("expired", await ProblemAsync(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }
}
