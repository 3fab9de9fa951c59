using System.Net;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// An MCP server's answer may name its own, often internal, address in fields a client can follow: Location,
/// Content-Location, Link and Refresh (Streamable HTTP uses none of them), and Alt-Svc, which offers other ways to
/// reach the origin the client talked to, the gateway's (RFC 7838 §3). Relayed, each would lead the agent past the
/// gateway's credential checks and audit; the gateway drops them all.
/// </summary>
public sealed class McpGatewayAddressHeaderTests : McpGatewayTest
{
    [Fact]
    public async Task Post_McpServerAnswersWithItsOwnAddressInHeaders_NoneRelayed()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers[UpstreamMcpServer.PlantAddresses] = "yes";

        using var response = await PostAsync(body, credential, headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        foreach (var name in new[] { "Location", "Content-Location", "Link", "Refresh", "Alt-Svc" })
        {
            Assert.False(response.Headers.NonValidated.Contains(name) || response.Content.Headers.NonValidated.Contains(name), $"{name} was relayed: {response.Headers}{response.Content.Headers}");
        }

        Assert.DoesNotContain("internal.example", response.Headers.ToString() + response.Content.Headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ForeignOrigin_Returns403BeforeTheMethodIsConsidered()
    {
        // Streamable HTTP §Security Warning: servers MUST validate the Origin of all incoming connections.
        using var request = new HttpRequestMessage(HttpMethod.Get, Gateway.Endpoint());
        request.Headers.TryAddWithoutValidation("Origin", "https://evil.example");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("mcp.origin_refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }
}
