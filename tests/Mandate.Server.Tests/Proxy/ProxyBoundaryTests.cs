using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>What the proxy refuses, and that a refused call never reaches the tool.</summary>
public sealed class ProxyBoundaryTests : ProxyTest
{
    [Fact]
    public async Task Proxy_RevokedByJti_NextRequest401NotForwarded()
    {
        var credential = await StripeCredentialAsync();
        using (var first = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("token", IssuedTokens.Read(credential).Id, "test");
        }

        using var second = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        var revoked = await ProblemAsync(second, HttpStatusCode.Unauthorized);
        Assert.Equal("proxy.credential_revoked", CheckId(revoked));
        Assert.Single(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_RevokedByRun_NextRequest401NotForwarded()
    {
        var credential = await StripeCredentialAsync();
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", IssuedTokens.Read(credential).GetPayloadValue<string>("run"), "test");
        }

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        Assert.Contains("run revocation", await ProblemAsync(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
        var refused = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("refused", "401"), (refused.Outcome, refused.Evidence["status"]));
    }

    [Theory]
    [InlineData("DELETE", "stripe/v1/charges/ch_1")]
    [InlineData("GET", "stripe/v1/refunds")]
    [InlineData("GET", "stripe/v1/charges/ch_1/capture")]
    [InlineData("GET", "stripe/v1/charges")]
    public async Task Proxy_OutsideAllowList_403InsufficientScopeChallengeNamesRuleNotForwarded(string method, string path)
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(new HttpMethod(method), path, credential);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("not in the http allow-list of rule 'support-stripe'", problem, StringComparison.Ordinal);
        Assert.Equal("proxy.call_not_allowed", CheckId(problem));
        // RFC 6750 §3: a credential that does not enable access is answered with a challenge naming the error.
        Assert.Equal("Bearer error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(Upstream.Received);
        // The agent's path is not repeated back to it; the operator finds the exact call in the audit record.
        var refused = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(method, refused.Evidence["method"]);
        Assert.EndsWith(path["stripe".Length..], refused.Evidence["path"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_RuleWithoutHttpList_403NotForwarded()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Ledger, Scope = "ledger:read" });

        using var response = await CallAsync(HttpMethod.Get, "ledger/entries/1", credential);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("rule 'support-ledger-no-http' has no http allow-list", problem, StringComparison.Ordinal);
        Assert.Equal("proxy.rule_without_http", CheckId(problem));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ContentLengthOverLimit_413NotForwarded()
    {
        var credential = await StripeCredentialAsync("refunds:write");

        using var response = await CallAsync(HttpMethod.Post, "stripe/v1/refunds", credential, new ByteArrayContent(new byte[ProxyTestBroker.MaxRequestBody + 1]));

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("max_request_body", problem, StringComparison.Ordinal);
        Assert.Equal("proxy.body_too_large", CheckId(problem));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ChunkedBodyOverLimit_413AndUpstreamNeverGetsTheWholeBody()
    {
        var credential = await StripeCredentialAsync("refunds:write");

        using var response = await CallAsync(HttpMethod.Post, "stripe/v1/refunds", credential, new ChunkedContent(new byte[ProxyTestBroker.MaxRequestBody * 2]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ChunkedBodyWithinLimit_IsStreamedThrough()
    {
        var credential = await StripeCredentialAsync("refunds:write");

        using var response = await CallAsync(HttpMethod.Post, "stripe/v1/refunds", credential, new ChunkedContent(new byte[ProxyTestBroker.MaxRequestBody - 1]));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(ProxyTestBroker.MaxRequestBody - 1, Assert.Single(Upstream.Received).BodyBytes);
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal((ProxyTestBroker.MaxRequestBody - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), audited.Evidence["request_bytes"]);
    }

    [Theory]
    [InlineData("/stripe/v1/charges/../refunds")]
    [InlineData("/stripe/v1/charges/%2e%2e/refunds")]
    [InlineData("/stripe/v1/charges/%2E%2E/%2e%2e/x")]
    [InlineData("/stripe/v1/charges/ch_1%2F..%2Frefunds")]
    [InlineData("/stripe/v1/charges/ch_1%5c..")]
    [InlineData("/stripe/v1/charges/./ch_1")]
    [InlineData("/stripe//v1/charges/ch_1")]
    [InlineData("/stripe/v1/charges/%zz")]
    [InlineData("/stripe/v1/charges/%c0%ae%c0%ae")]
    [InlineData("/str%69pe/v1/charges/ch_1")]
    [InlineData("/nosuchtool/v1/charges/ch_1")]
    [InlineData("/crm/v1/charges/ch_1")]
    [InlineData("/")]
    public async Task Proxy_MalformedOrTraversingTarget_4xxNotForwarded(string target)
    {
        var credential = await StripeCredentialAsync();

        var (status, text) = await RawAsync(target, credential);

        Assert.InRange(status, 400, 499);
        Assert.Contains("application/problem+json", text, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    // Servlet containers and others read ";…" as a path parameter and "..;" as "..": an allow-listed "*" must not match it.
    [Theory]
    [InlineData("/stripe/v1/charges/..;")]
    [InlineData("/stripe/v1/charges/..;jsessionid=1")]
    [InlineData("/stripe/v1/charges/.%3B")]
    [InlineData("/stripe/v1/charges/%2e%2e%3bx")]
    public async Task Proxy_DotSegmentWithPathParameter_400NotForwarded(string target)
    {
        var credential = await StripeCredentialAsync();

        var (status, text) = await RawAsync(target, credential);

        Assert.Equal(400, status);
        Assert.Contains("proxy.target_malformed", text, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

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

    [Fact]
    public async Task Proxy_CredentialInQueryOrFormBody_NotAccepted401WithoutErrorCode()
    {
        var credential = await StripeCredentialAsync("charges:read refunds:write");

        // RFC 6750 §2.2 and §2.3 are optional; the proxy documents the Authorization header only.
        using var query = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1?access_token=" + credential, null);
        using var form = await CallAsync(HttpMethod.Post, "stripe/v1/refunds", null, new FormUrlEncodedContent([new("access_token", credential)]));

        foreach (var response in new[] { query, form })
        {
            var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("proxy.credential_missing", CheckId(problem));
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }

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

    [Fact]
    public async Task Proxy_BrokerPort_DoesNotProxyAndProxyPort_DoesNotServeBrokerEndpoints()
    {
        var credential = await StripeCredentialAsync();

        using var onBroker = await Broker.Http.GetAsync("stripe/v1/charges/ch_1");
        using var tokenOnProxy = await CallAsync(HttpMethod.Get, "oauth2/token", credential);
        using var adminOnProxy = await CallAsync(HttpMethod.Get, "admin/secrets", credential);

        Assert.Equal(HttpStatusCode.NotFound, onBroker.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tokenOnProxy.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, adminOnProxy.StatusCode);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_CertificateBoundCredential_401NotForwarded()
    {
        // The proxy has no TLS listener, so a certificate binding can never be proven to it.
        var bound = ResignWith(await StripeCredentialAsync(), new Dictionary<string, object> { ["x5t#S256"] = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" });

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", bound);

        Assert.Contains("client certificate", await ProblemAsync(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    /// <summary>The credential with <paramref name="cnf"/> added, signed with the broker's real key so only the binding differs.</summary>
    private string ResignWith(string credential, Dictionary<string, object> cnf)
    {
        var issued = IssuedTokens.Read(credential);
        var payload = System.Text.Json.JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(issued.EncodedPayload)).RootElement;
        var claims = payload.EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value.Clone());
        claims["cnf"] = cnf;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = Broker.Runtime.Keys.Current.Active.Credentials,
            TokenType = "at+jwt",
        });
    }

    /// <summary>A body whose length is not announced, so it goes out with Transfer-Encoding: chunked.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < body.Length; i += 8192)
            {
                await stream.WriteAsync(body.AsMemory(i, Math.Min(8192, body.Length - i)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
