using System.Diagnostics;
using System.Net;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The trace context the proxy carries to a tool while telemetry is off: the agent's trace continues, its
/// <c>tracestate</c> goes on only when it is W3C trace context, and one that is not never reaches the tool.
/// </summary>
[Trait("Invariant", "7")]
public sealed class ProxyTraceContextTests : ProxyTest
{
    private static readonly string TraceParent = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    [Theory]
    [InlineData("congo=t61rcWkgMzE")]
    [InlineData("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")]
    [InlineData("tenant1@vendor=opaque value")]
    public async Task Proxy_ValidTracestate_ReachesTheToolWithTheAgentsTrace(string traceState)
    {
        var received = await CallWithTraceAsync(traceState);

        Assert.Equal(TraceParent.Split('-')[1], received.Headers["traceparent"].Split('-')[1]);
        Assert.Equal(traceState, received.Headers["tracestate"]);
    }

    [Theory]
    [InlineData("many-members")]
    [InlineData("value-too-long")]
    [InlineData("key-upper-case")]
    [InlineData("key-duplicated")]
    [InlineData("no-equals")]
    [InlineData("value-with-equals")]
    [InlineData("control-character")]
    public async Task Invariant7_TracestateThatIsNotTraceContext_NeverReachesTheTool_TheTraceStillDoes(string shape)
    {
        // W3C Trace Context §3.3: a tracestate that does not parse MAY be discarded; failing to parse it MUST NOT affect traceparent.
        var received = await CallWithTraceAsync(Hostile(shape));

        Assert.Equal(TraceParent.Split('-')[1], received.Headers["traceparent"].Split('-')[1]);
        Assert.False(received.Headers.ContainsKey("tracestate"), received.Headers.GetValueOrDefault("tracestate"));
    }

    private async Task<UpstreamRequest> CallWithTraceAsync(string traceState)
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential, configure: r =>
        {
            r.Headers.TryAddWithoutValidation("traceparent", TraceParent);
            r.Headers.TryAddWithoutValidation("tracestate", traceState);
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(Upstream.Received);
    }

    private static string Hostile(string shape) => shape switch
    {
        // §3.3.1.1: "There can be a maximum of 32 list-members in a list."
        "many-members" => string.Join(',', Enumerable.Range(0, 33).Select(i => $"vendor{i}=value{i}")),
        "value-too-long" => "vendor=" + new string('v', 257),
        "key-upper-case" => "Vendor=opaque",
        "key-duplicated" => "vendor=one,vendor=two",
        "no-equals" => "vendor",
        "value-with-equals" => "vendor=a=b",
        "control-character" => "vendor=a\u0001b",
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };
}
