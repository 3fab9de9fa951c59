using System.Net;
using System.Text;
using System.Text.Json;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// Streamable HTTP 2026-07-28 §Backward Compatibility: that revision has no sessions, so an <c>Mcp-Session-Id</c> on its
/// request is ignored and none is minted or echoed; older revisions keep their bound sessions. Streamable HTTP §Protocol
/// Version Header: an unsupported version is a 400 on any request, before a session is looked up; streamable HTTP
/// 2025-11-25 §Session Management: an unknown session is 404 before anything else about the request is judged.
/// </summary>
public sealed class McpGatewaySessionRevisionTests : McpGatewayTest
{
    private const string Older = "2025-11-25";
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"older","version":"1"}}}""";
    private const string Lookup = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"lookup_order","arguments":{"orderId":"o-5"}}}""";
    private const string MadeUp = "made-up.AAAAAAAAAAAAAAAAAAAAAA";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_SessionIdUnderARevisionWithoutSessions_IsServedAndNotForwarded(bool boundUnderAnOlderRevision)
    {
        var credential = await Gateway.CredentialAsync();
        var session = boundUnderAnOlderRevision ? await OpenSessionAsync(credential) : MadeUp;
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers["Mcp-Session-Id"] = session;

        using var response = await PostAsync(body, credential, headers);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Contains("order o-1: shipped", text, StringComparison.Ordinal);
        var seen = Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        Assert.False(seen.Headers.ContainsKey("Mcp-Session-Id"), string.Join(", ", seen.Headers.Keys));
    }

    [Fact]
    public async Task Post_UpstreamSessionIdUnderARevisionWithoutSessions_IsNotRelayed()
    {
        var credential = await Gateway.CredentialAsync();
        var modern = ModernHeaders(Request("tools/list"));
        modern[UpstreamMcpServer.PlantSessionId] = "upstream-session-1";
        var older = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older, [UpstreamMcpServer.PlantSessionId] = "upstream-session-2" };

        using var response = await PostAsync(Request("tools/list"), credential, modern);
        using var control = await PostAsync(Initialize, credential, older);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Mcp-Session-Id"), string.Join(", ", response.Headers.Select(h => h.Key)));
        // The same upstream answer under an older revision reaches the agent bound to it.
        Assert.StartsWith("upstream-session-2.", control.Headers.GetValues("Mcp-Session-Id").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upstream session")]
    [InlineData("upstream\tsession")]
    [InlineData("")]
    public async Task Post_UpstreamSessionIdOutsideVisibleAscii_IsNotRelayed(string planted)
    {
        // Streamable HTTP 2025-11-25 §Session Management: "The session ID MUST only contain visible ASCII characters
        // (ranging from 0x21 to 0x7E)"; the gateway answers the agent, so it relays no id a hostile MCP server minted otherwise.
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(Initialize, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older, [UpstreamMcpServer.PlantSessionId] = planted });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Mcp-Session-Id"), string.Join(", ", response.Headers.Select(h => h.Key + ": " + string.Join(",", h.Value))));
    }

    [Fact]
    public async Task Invariant7_PostWithUnboundSessionIdUnderAnOlderRevision_Returns404AndChangesNothingButItsRecord()
    {
        var credential = await Gateway.CredentialAsync();
        var session = await OpenSessionAsync(credential);
        var before = await Gateway.Broker.ReadAuditAsync();
        var forwarded = Gateway.Upstream.Received.Count;

        using var unbound = await PostAsync(Lookup, credential, OlderHeaders(MadeUp));

        var text = await unbound.Content.ReadAsStringAsync();
        Assert.True(unbound.StatusCode == HttpStatusCode.NotFound, $"expected 404, got {(int)unbound.StatusCode}: {text}");
        using (var problem = JsonDocument.Parse(text))
        {
            Assert.Equal("mcp.session_unknown", problem.RootElement.GetProperty("check_id").GetString());
        }

        Assert.Equal(forwarded, Gateway.Upstream.Received.Count);
        var record = await OnlyNewRecordAsync(before, EgressAuditKinds.McpCall);
        Assert.Equal(("refused", "mcp.session_unknown", "404"), (record.Outcome, record.Evidence["check_id"], record.Evidence["status"]));

        using var bound = await PostAsync(Lookup, credential, OlderHeaders(session));

        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        Assert.Equal(session[..session.LastIndexOf('.')], Gateway.Upstream.Received[^1].Headers["Mcp-Session-Id"]);
    }

    [Theory]
    // The version in MCP-Protocol-Version, or only in the body's _meta.
    [InlineData(Lookup, "2099-01-01", "tools/call")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"lookup_order","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01"}}}""", null, "tools/call")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""", "2099-01-01", "tools/list")]
    public async Task Invariant7_PostWithUnboundSessionIdAndUnsupportedVersion_Returns400AndChangesNothingButItsRecord(string body, string? version, string method)
    {
        var credential = await Gateway.CredentialAsync();
        var before = await Gateway.Broker.ReadAuditAsync();
        var headers = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = version, ["Mcp-Session-Id"] = MadeUp };

        using var response = await PostAsync(body, credential, headers);

        var error = await JsonRpcErrorAsync(response, 400);
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        Assert.Equal("mcp.unsupported_protocol_version", error.GetProperty("data").GetProperty("check_id").GetString());
        Assert.Equal("2099-01-01", error.GetProperty("data").GetProperty("requested").GetString());
        Assert.Empty(Gateway.Upstream.Received);
        // A tools/call is recorded as an mcp_call naming the check; any other method as a proxy_call naming its method.
        if (method == "tools/call")
        {
            var record = await OnlyNewRecordAsync(before, EgressAuditKinds.McpCall);
            Assert.Equal(("refused", "mcp.unsupported_protocol_version", "2099-01-01"), (record.Outcome, record.Evidence["check_id"], record.Evidence["protocol_version"]));
        }
        else
        {
            var record = await OnlyNewRecordAsync(before, EgressAuditKinds.ProxyCall);
            Assert.Equal(("refused", "tools/list", "400"), (record.Outcome, record.Evidence["mcp_method"], record.Evidence["status"]));
            Assert.StartsWith("Unsupported protocol version", record.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    // Streamable HTTP 2025-11-25 §Session Management: after a session ends the server "MUST respond to requests containing
    // that session ID with HTTP 404 Not Found", whatever else is wrong with them; the client then starts a new session.
    [InlineData("text/plain", Lookup, null, 415)]
    [InlineData("application/json", """{"jsonrpc":"2.0","id":2,""", null, 400)]
    [InlineData("application/json", "[" + Lookup + "]", null, 400)]
    [InlineData("application/json", Lookup, "tools/list", 400)]
    public async Task Invariant7_PostWithUnboundSessionIdAndMalformedRequestUnderAnOlderRevision_Returns404First(string contentType, string body, string? method, int withoutSession)
    {
        var credential = await Gateway.CredentialAsync();
        var before = await Gateway.Broker.ReadAuditAsync();

        using var response = await PostRawAsync(body, contentType, credential, method, MadeUp);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"expected 404, got {(int)response.StatusCode}: {text}");
        using (var problem = JsonDocument.Parse(text))
        {
            Assert.Equal("mcp.session_unknown", problem.RootElement.GetProperty("check_id").GetString());
        }

        Assert.Empty(Gateway.Upstream.Received);
        // A tools/call the gateway could read is an mcp_call record; a body it could not read, a proxy_call.
        var record = await OnlyNewRecordAsync(before, method is null ? EgressAuditKinds.ProxyCall : EgressAuditKinds.McpCall);
        Assert.Equal(("refused", "mcp.session_unknown", "404"), (record.Outcome, record.Evidence["check_id"], record.Evidence["status"]));

        // Without a session id the same request still gets its own refusal.
        using var control = await PostRawAsync(body, contentType, credential, method, session: null);

        Assert.Equal(withoutSession, (int)control.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Post_UnboundSessionIdAndMalformedBodyUnderARevisionWithoutSessions_GetsTheBodysParseError()
    {
        var credential = await Gateway.CredentialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new StringContent("""{"jsonrpc":"2.0","id":2,""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", Modern);
        request.Headers.TryAddWithoutValidation("Mcp-Session-Id", MadeUp);

        using var response = await Http.SendAsync(request);

        // 2026-07-28 §Backward Compatibility: the session id is ignored, so the body's own fault is the answer.
        Assert.Equal(-32700, (await JsonRpcErrorAsync(response, 400)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    private async Task<string> OpenSessionAsync(string credential)
    {
        using var initialized = await PostAsync(Initialize, credential, new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older });
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        return initialized.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private async Task<HttpResponseMessage> PostRawAsync(string body, string contentType, string credential, string? method, string? session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint()) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", Older);
        if (method is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Method", method);
        }

        if (session is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        }

        return await Http.SendAsync(request);
    }

    private static Dictionary<string, string?> OlderHeaders(string session) =>
        new() { ["MCP-Protocol-Version"] = Older, ["Mcp-Session-Id"] = session };
}
