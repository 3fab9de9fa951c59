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
        Assert.Equal(("refused", "401", "proxy.credential_revoked"), (refused.Outcome, refused.Evidence["status"], refused.Evidence["check_id"]));
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
