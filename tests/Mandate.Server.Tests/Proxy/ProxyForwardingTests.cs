using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>How calls travel: headers, streaming, upstream failures, run-token mode and jwt tools.</summary>
public sealed class ProxyForwardingTests : ProxyTest
{
    protected override string Policy => ProxyTestBroker.Policy.Replace(
        "    scopes: [ledger:read]", "    scopes: [ledger:read]\n    http: [\"GET /entries/**\"]", StringComparison.Ordinal);

    [Fact]
    public async Task Proxy_HopByHopHeaders_AreNotForwardedEitherWay()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/hop", credential, configure: r =>
        {
            r.Headers.Connection.Add("X-Agent-Hop");
            r.Headers.TryAddWithoutValidation("X-Agent-Hop", "secret-hop");
            r.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
            r.Headers.TryAddWithoutValidation("TE", "trailers");
            r.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic eA==");
            r.Headers.TryAddWithoutValidation("X-Agent-Normal", "passes");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Upstream.Received);
        foreach (var name in new[] { "X-Agent-Hop", "Keep-Alive", "TE", "Proxy-Authorization", "Connection" })
        {
            Assert.False(seen.Headers.ContainsKey(name), name + " was forwarded: " + string.Join("; ", seen.Headers));
        }

        Assert.Equal("passes", seen.Headers["X-Agent-Normal"]);
        Assert.False(response.Headers.Contains("X-Up-Hop"));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("passes", response.Headers.GetValues("X-Up-Normal").Single());
    }

    [Theory]
    [InlineData("Forwarded", "for=10.0.0.1;host=admin.internal")]
    [InlineData("X-Forwarded-For", "10.0.0.1")]
    [InlineData("X-Forwarded-Host", "admin.internal")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Real-IP", "127.0.0.1")]
    public async Task Proxy_ClientStatementsTheAgentWrote_AreNotForwarded(string name, string value)
    {
        // RFC 7239 §8.1: these describe the client to a tool that trusts its proxy; only a proxy may write them.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/hop", credential, configure: r => r.Headers.TryAddWithoutValidation(name, value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(Upstream.Received).Headers.ContainsKey(name), name + " was forwarded");
    }

    [Fact]
    public async Task Proxy_Cookies_AreForwardedEitherWay()
    {
        // Unlike the MCP gateway, the egress proxy fronts plain HTTP APIs, some of which keep state in cookies.
        var credential = await StripeCredentialAsync();

        var (status, text) = await RawAsync("/stripe/v1/hop", credential, "Cookie: tool_session=agent\r\n");

        Assert.Equal(200, status);
        Assert.Equal("tool_session=agent", Assert.Single(Upstream.Received).Headers["Cookie"]);
        Assert.Contains("Set-Cookie: tool_session=up; Path=/", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Proxy_ForwardedRequest_CarriesItsOwnViaAfterTheAgents()
    {
        // RFC 9110 §7.6.3: a gateway MUST send an appropriate Via in each inbound request it forwards.
        var credential = await StripeCredentialAsync();

        var (status, _) = await RawAsync("/stripe/v1/hop", credential, "Via: 1.0 agent-side\r\n");

        Assert.Equal(200, status);
        var seen = Assert.Single(Upstream.Received);
        Assert.Equal("1.0 agent-side, 1.1 mandate", seen.Headers["Via"]);
    }

    [Fact]
    public async Task Proxy_UpgradeRequest_IsForwardedAsAPlainCallWithItsOwnMethod()
    {
        // An upgrade would let the forwarder turn the allow-listed POST into a GET and then tunnel raw bytes.
        var credential = await StripeCredentialAsync("refunds:write");
        var address = Broker.App.ProxyListener.Address!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST /stripe/v1/refunds HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);

        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 200", statusLine, StringComparison.Ordinal);
        var seen = Assert.Single(Upstream.Received);
        Assert.Equal(("POST", "/stripe-api/v1/refunds"), (seen.Method, seen.Target));
        Assert.False(seen.Headers.ContainsKey("Upgrade"));
        Assert.False(seen.Headers.ContainsKey("Connection"));
    }

    [Fact]
    public async Task Proxy_ConcurrentCalls_EachGetsTheSecretInjected()
    {
        var credential = await StripeCredentialAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => CallAsync(HttpMethod.Get, $"stripe/v1/charges/ch_{i}", credential)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(32, Upstream.Received.Count);
        Assert.All(Upstream.Received, r => Assert.Equal(Secret, r.Headers["X-Api-Key"]));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Proxy_LargeResponse_StreamsThroughWhole()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/big", credential);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamServer.BigBytes, body.Length);
        Assert.All(body, b => Assert.Equal((byte)'x', b));
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(UpstreamServer.BigBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), audited.Evidence["response_bytes"]);
    }

    [Fact]
    public async Task Proxy_UpstreamErrorStatus_IsRelayedAsIs()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/missing", credential);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Proxy_UpstreamDown_502ProblemDetails()
    {
        var credential = await StripeCredentialAsync();
        await Upstream.DisposeAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        var problem = await ProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.DoesNotContain("127.0.0.1", problem, StringComparison.Ordinal);
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("refused", "502", "proxy.upstream_failed"), (audited.Outcome, audited.Evidence["status"], audited.Evidence["check_id"]));
    }

    [Fact]
    public async Task Proxy_UpstreamSilentPastTimeout_504()
    {
        var credential = await StripeCredentialAsync();

        var call = CallAsync(HttpMethod.Get, "stripe/v1/slow", credential);
        await Upstream.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Broker.Clock.Advance(TimeSpan.FromSeconds(31));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("proxy.timeout", await ProblemAsync(response, HttpStatusCode.GatewayTimeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_RunTokenAndToolName_ExchangesThroughPolicyAndForwards()
    {
        var runToken = await Broker.StartRunAsync(scope: "charges:read");

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_9", null, configure: r =>
        {
            r.Headers.Add("Mandate-Run-Token", runToken);
            r.Headers.Add("Mandate-Actor-Token", Broker.Svid(TestBroker.SupportAgent));
            r.Headers.Add("Mandate-Scope", "charges:read");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Upstream.Received);
        Assert.Equal(Secret, seen.Headers["X-Api-Key"]);
        Assert.False(seen.Headers.ContainsKey("Mandate-Run-Token"));
        Assert.False(seen.Headers.ContainsKey("Mandate-Actor-Token"));
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Tool == "stripe");
        var call = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal((issuance.Jti, "support-stripe", "run_token", RunExchanges.RunId(runToken)), (call.Jti, call.Rule, call.Evidence["mode"], call.Run));
    }

    [Fact]
    public async Task Proxy_RunTokenOfRevokedRun_401NotForwarded()
    {
        var runToken = await Broker.StartRunAsync(scope: "charges:read");
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", RunExchanges.RunId(runToken), "test");
        }

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_9", null, configure: r =>
        {
            r.Headers.Add("Mandate-Run-Token", runToken);
            r.Headers.Add("Mandate-Actor-Token", Broker.Svid(TestBroker.SupportAgent));
            r.Headers.Add("Mandate-Scope", "charges:read");
        });

        Assert.True((int)response.StatusCode is >= 401 and <= 403, await response.Content.ReadAsStringAsync());
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_JwtTool_ForwardsTheCheckedCredentialAsBearer()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Ledger, Scope = "ledger:read" });

        using var response = await CallAsync(HttpMethod.Get, "ledger/entries/2026/11", credential);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Upstream.Received);
        Assert.Equal("/ledger-api/entries/2026/11", seen.Target);
        Assert.Equal("Bearer " + credential, seen.Headers["Authorization"]);
    }

    [Fact]
    public async Task Proxy_EncodedCharactersInSegment_AreReEncodedCanonically()
    {
        var credential = await StripeCredentialAsync();

        var (status, _) = await RawAsync("/stripe/v1/files/a%20b/%C3%A9t%C3%A9?q=1%202", credential);

        Assert.Equal(200, status);
        Assert.Equal("/stripe-api/v1/files/a%20b/%C3%A9t%C3%A9?q=1%202", Assert.Single(Upstream.Received).Target);
    }
}
