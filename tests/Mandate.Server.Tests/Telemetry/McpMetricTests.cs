using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Mcp;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>MCP tools/call through the gateway counted by outcome and check id, through the in-memory exporter.</summary>
public sealed class McpMetricTests : TelemetryTest
{
    private McpGatewayHarness _gateway = null!;

    protected override async Task<BrokerHarness> StartBrokerAsync()
    {
        _gateway = await McpGatewayHarness.StartAsync(telemetry: Exporters);
        return _gateway.Broker;
    }

    public override async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task McpCalls_CountedForwardedAndRefusedByCheckId_NeverByToolName()
    {
        var credential = await _gateway.CredentialAsync();
        using (var allowed = await CallAsync(McpGatewayTest.Request("tools/call", "refund", """{"orderId":"o-7","amount":50}"""), credential))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await CallAsync(McpGatewayTest.Request("tools/call", "admin_reset", id: 42), credential);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(1, CountOf("mandate.mcp_calls", SpanAttributes.Outcome, "forwarded"));
        var refusal = Assert.Single(Eventually(() => Points("mandate.mcp_calls").Where(p => Tag(p, SpanAttributes.Outcome) == "refused").ToList()));
        Assert.Equal("mcp.tool_not_allowed", Tag(refusal, SpanAttributes.CheckId));
        foreach (var (metric, point) in AllPoints())
        {
            foreach (var tag in point.Tags)
            {
                Assert.False(tag.Value is string s && (s.Contains("admin_reset", StringComparison.Ordinal) || s.Contains("o-7", StringComparison.Ordinal)), $"{metric} tag {tag.Key} carries the call's tool or arguments");
            }
        }
    }

    private async Task<HttpResponseMessage> CallAsync(string body, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _gateway.Endpoint()) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        foreach (var (name, value) in McpGatewayTest.ModernHeaders(body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var http = new HttpClient();
        return await http.SendAsync(request);
    }
}
