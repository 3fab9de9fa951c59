using System.Net;
using System.Text.Json;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// Streamable HTTP has no redirects, and an MCP client follows a 3xx's Location: relayed, a redirect from the MCP server
/// would send the agent to the server's own (often internal) address, past the gateway's credential checks and audit.
/// </summary>
public sealed class McpGatewayRedirectTests : McpGatewayTest
{
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    // RFC 9110 §15.4.5: 304 answers only a conditional GET or HEAD; to a POST it is an upstream fault, not a cache hit.
    [InlineData(304)]
    public async Task UpstreamRedirect_Returns502WithoutLocation_AndRecordsTheCallAsFailed(int status)
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers[UpstreamMcpServer.RedirectWith] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var response = await PostAsync(body, credential, headers);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"expected 502, got {(int)response.StatusCode}: {text}");
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("internal.example", text, StringComparison.Ordinal);
        using (var problem = JsonDocument.Parse(text))
        {
            Assert.Equal("mcp.upstream_redirect", problem.RootElement.GetProperty("check_id").GetString());
        }

        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal("failed", record.Outcome);
        Assert.Equal("502", record.Evidence["status"]);
        Assert.Equal("mcp.upstream_redirect", record.Evidence["check_id"]);
    }

    [Fact]
    public async Task UpstreamRedirect_OnAnotherMethod_Returns502WithoutLocation()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/list");
        var headers = ModernHeaders(body);
        headers[UpstreamMcpServer.RedirectWith] = "307";

        using var response = await PostAsync(body, credential, headers);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("mcp.upstream_redirect", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
