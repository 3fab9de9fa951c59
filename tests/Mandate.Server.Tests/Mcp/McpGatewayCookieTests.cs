using System.Net;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// MCP's Streamable HTTP transport carries its state in Mcp-Session-Id and Authorization, never in cookies; and
/// cookies are not kept apart by port (RFC 6265 §8.5), so the console's cookies for the broker's host could reach an
/// MCP server, and an MCP server could plant cookies the console would read. The gateway drops both directions.
/// </summary>
public sealed class McpGatewayCookieTests : McpGatewayTest
{
    [Fact]
    public async Task Post_AgentSendsCookie_NotForwardedToTheMcpServer()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers["Cookie"] = "mandate_console=session-of-an-admin";

        using var response = await PostAsync(body, credential, headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        Assert.False(seen.Headers.ContainsKey("Cookie"), "Cookie was forwarded: " + string.Join("; ", seen.Headers));
    }

    [Fact]
    public async Task Post_McpServerSetsCookie_NotRelayedToTheAgent()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers[UpstreamMcpServer.PlantCookie] = "yes";

        using var response = await PostAsync(body, credential, headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        Assert.False(response.Headers.Contains("Set-Cookie"), "Set-Cookie was relayed: " + response.Headers);
    }
}
