using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Proxy;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>The proxied call: its span, and the trace context it carries to a real upstream.</summary>
public sealed class ProxySpanTests : TelemetryTest, IAsyncLifetime
{
    private UpstreamServer _upstream = null!;

    protected override string Configuration => ProxyTestBroker.Configuration(_upstream.Address);

    protected override string Policy => ProxyTestBroker.Policy;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _upstream = await UpstreamServer.StartAsync();
        await InitializeAsync();
        using var admin = Broker.Admin();
        await admin.SetSecretAsync("stripe", "vendor_key_telemetry"u8.ToArray());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task ProxyCall_UpstreamReceivesTheAgentsTraceThroughMandatesSpan()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read" });
        using var agent = new TracedAgent();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Broker.App.ProxyListener.Address!, "stripe/v1/charges/ch_1"));
        request.Headers.Authorization = new("Bearer", credential);

        using var response = await agent.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var span = SpanOf(agent, MandateSpan.ProxyCall);
        Assert.Equal("stripe", Tag(span, SpanAttributes.Tool));
        Assert.Equal(SupportAgent, Tag(span, SpanAttributes.Agent));
        var traceparent = Assert.Single(_upstream.Received).Headers["traceparent"];
        var parts = traceparent.Split('-');
        Assert.Equal(agent.TraceId.ToHexString(), parts[1]);
        // Not the agent's header passed through: the upstream's parent is a span of Mandate's.
        Assert.NotEqual(agent.SpanId.ToHexString(), parts[2]);
        Assert.Contains(AllSpans(), s => s.SpanId.ToHexString() == parts[2] && s.TraceId == agent.TraceId);
        ExchangeSpanTests.AssertNothingSecret(span, credential, "x.vendor_key_telemetry");
    }
}
