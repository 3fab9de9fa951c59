using System.Net;
using System.Net.Http.Headers;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Proxy;
using Mandate.Testing;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>Calls through the egress proxy counted by outcome and check id, and a replayed DPoP proof there, through the in-memory exporter.</summary>
public sealed class ProxyMetricTests : TelemetryTest, IAsyncLifetime
{
    private UpstreamServer _upstream = null!;

    protected override string Configuration => ProxyTestBroker.Configuration(_upstream.Address);

    protected override string Policy => ProxyTestBroker.Policy;

    private Uri CallUrl => new(Broker.App.ProxyListener.Address!, "stripe/v1/charges/ch_1");

    async Task IAsyncLifetime.InitializeAsync()
    {
        _upstream = await UpstreamServer.StartAsync();
        await InitializeAsync();
        using var admin = Broker.Admin();
        await admin.SetSecretAsync("stripe", "test-value-1"u8.ToArray());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task ProxyCalls_CountedForwardedAndRefusedByCheckId()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read" });
        using (var forwarded = await CallAsync("Bearer", credential, proof: null))
        {
            Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        }

        using var refused = await CallAsync("Bearer", null, proof: null);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, CountOf("mandate.proxy_calls", SpanAttributes.Outcome, "forwarded"));
        var refusal = Assert.Single(Eventually(() => Points("mandate.proxy_calls").Where(p => Tag(p, SpanAttributes.Outcome) == "refused").ToList()));
        Assert.Equal("proxy.credential_missing", Tag(refusal, SpanAttributes.CheckId));
        Assert.Empty(Points("mandate.mcp_calls"));
    }

    [Fact]
    public async Task ProxyCall_ToAPathLikeTheTokenEndpoint_IsAProxyCallNotAnExchange()
    {
        // A call on the proxy listener is never a token request, whatever its path: counted once, as a proxy call.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Broker.App.ProxyListener.Address!, "oauth2/token"));
        using var http = new HttpClient();
        using var refused = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.NotEmpty(Eventually(() => Points("mandate.proxy_calls").Where(p => Tag(p, SpanAttributes.Outcome) == "refused").ToList()));
        Assert.Empty(Points("mandate.exchanges"));
    }

    [Fact]
    public async Task DpopReplays_AtTheProxy_CountedByWhere()
    {
        using var key = new DpopProofs();
        var exchange = Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read" };
        var credential = Expect.Issued(await SenderConstraint.DpopRequests.ExchangeAsync(Broker, exchange, key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now)));
        var proof = key.Create("GET", CallUrl.ToString(), Broker.Now, accessToken: credential);
        using (var first = await CallAsync("DPoP", credential, proof))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var replay = await CallAsync("DPoP", credential, proof);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(1, CountOf("mandate.dpop.replays", RequestMetrics.DpopWhere, "proxy"));
        Assert.Single(Points("mandate.dpop.replays"));
        Assert.Single(_upstream.Received);
    }

    private async Task<HttpResponseMessage> CallAsync(string scheme, string? credential, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, CallUrl);
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, credential);
        }

        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        using var http = new HttpClient();
        return await http.SendAsync(request);
    }
}
