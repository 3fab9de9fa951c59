using System.Net;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// Streamable HTTP 2026-07-28 §Receiving Messages: "Resumable SSE streams via Last-Event-ID are not supported", and
/// §Backward Compatibility: a server SHOULD ignore a <c>Last-Event-ID</c> header (streams are not resumable). The
/// gateway removes it unread under that revision, as it removes <c>Mcp-Session-Id</c>, so an MCP server that also speaks
/// an older revision cannot replay another stream's events into the answer.
/// </summary>
public sealed class McpGatewayResumptionTests : McpGatewayTest
{
    private const string Older = "2025-11-25";
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"older","version":"1"}}}""";

    [Fact]
    public async Task Post_LastEventIdUnderARevisionWithoutResumption_IsServedAndNotForwarded()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers["Last-Event-ID"] = "stream-1:7";

        using var response = await PostAsync(body, credential, headers);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Contains("order o-1: shipped", text, StringComparison.Ordinal);
        var seen = Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        Assert.False(seen.Headers.ContainsKey("Last-Event-ID"), string.Join(", ", seen.Headers.Keys));
    }

    [Fact]
    public async Task Post_LastEventIdUnderAnOlderRevision_IsForwardedAsAnyHeaderTheGatewayDoesNotOwn()
    {
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(Initialize, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older, ["Last-Event-ID"] = "stream-1:7" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("stream-1:7", Assert.Single(Gateway.Upstream.Received).Headers["Last-Event-ID"]);
    }

    [Fact]
    public async Task Get_ResumptionUnderAnOlderRevision_Returns405AndForwardsNothing()
    {
        // 2025-11-25 §Resumability: resumption is a GET with Last-Event-ID; §Listening: a server without a GET stream
        // MUST answer that GET 405, which the gateway does for every revision.
        var credential = await Gateway.CredentialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, Gateway.Endpoint());
        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", Older);
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "stream-1:7");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Empty(Gateway.Upstream.Received);
    }
}
