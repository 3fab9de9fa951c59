using System.Net;
using System.Text;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// MUSTs of the streamable HTTP transport and of MCP authorization (2025-11-25, 2026-07-28) that bind the gateway as the
/// MCP server its agents see, each driven from a request a hostile or careless client could send.
/// </summary>
public sealed class McpGatewayConformanceTests : McpGatewayTest
{
    private const string Older = "2025-11-25";
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"older","version":"1"}}}""";

    [Theory]
    // Streamable HTTP 2025-11-25 §Sending Messages 4: a notification or response the server accepts "MUST return HTTP
    // status code 202 Accepted with no body".
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99,"reason":"gone"}}""")]
    public async Task Post_NotificationUnderAnOlderRevision_Returns202WithoutBody(string notification)
    {
        var credential = await Gateway.CredentialAsync();
        var older = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older };
        using var initialized = await PostAsync(Initialize, credential, older);
        older["Mcp-Session-Id"] = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        using var response = await PostAsync(notification, credential, older);

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        Assert.Empty(body);
        Assert.Contains(Gateway.Upstream.Received, r => r.Body == notification);
    }

    [Theory]
    [InlineData("tools/list")]
    [InlineData("ping")]
    [InlineData("tools/call")]
    public async Task Post_UpstreamRequestInTheSseAnswerUnder20260728_IsNotRelayed(string method)
    {
        // Streamable HTTP 2026-07-28 §Receiving Messages: "The server MUST NOT send independent JSON-RPC requests on this
        // stream"; notifications about the request and the response still pass.
        var credential = await Gateway.CredentialAsync();
        var body = method == "tools/call" ? Request(method, "lookup_order", """{"orderId":"o-1"}""") : Request(method);
        var headers = ModernHeaders(body);
        headers[UpstreamMcpServer.SendServerRequest] = "1";

        using var response = await PostAsync(body, credential, headers);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("sampling/createMessage", text, StringComparison.Ordinal);
        Assert.Contains("notifications/progress", text, StringComparison.Ordinal);
        Assert.Contains("\"id\":1,\"result\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UpstreamRequestInTheSseAnswerUnderAnOlderRevision_IsRelayed()
    {
        // Streamable HTTP 2025-11-25 §Sending Messages: the server MAY send requests before the response.
        var credential = await Gateway.CredentialAsync();
        var older = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older, [UpstreamMcpServer.SendServerRequest] = "1" };

        using var response = await PostAsync(Initialize, credential, older);

        Assert.Equal(UpstreamMcpServer.ServerRequestStream, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_UpstreamCredentialReplayedAtTheGateway_Returns401InvalidTokenAndForwardsNothing()
    {
        // Authorization §Token Handling: "MCP servers MUST validate that access tokens were issued specifically for them as
        // the intended audience"; the credential the gateway injected is for the MCP server behind it, not for the gateway.
        var credential = await Gateway.CredentialAsync();
        using var allowed = await PostAsync(Request("tools/call", "lookup_order", """{"orderId":"o-1"}"""), credential);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var injected = Gateway.Upstream.Calls("lookup_order").Single().Headers["Authorization"]["Bearer ".Length..];
        var forwarded = Gateway.Upstream.Received.Count;
        var before = await Gateway.Broker.ReadAuditAsync();

        using var replayed = await PostAsync(Request("tools/call", "lookup_order", """{"orderId":"o-2"}"""), injected);

        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains("proxy.audience_mismatch", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bearer = Assert.Single(replayed.Headers.WwwAuthenticate, c => c.Scheme == "Bearer").Parameter ?? "";
        Assert.Contains("error=\"invalid_token\"", bearer, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=\"" + new Uri(Gateway.Proxy, "/.well-known/oauth-protected-resource/" + McpGatewayHarness.Payments) + "\"", bearer, StringComparison.Ordinal);
        Assert.Equal(forwarded, Gateway.Upstream.Received.Count);
        // Refused before the body is read: a proxy_call record, the only change.
        var record = await OnlyNewRecordAsync(before, EgressAuditKinds.ProxyCall);
        Assert.Equal(("refused", "proxy.audience_mismatch"), (record.Outcome, record.Evidence["check_id"]));
        Assert.DoesNotContain(Gateway.Upstream.Received, r => r.Body.Contains("o-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_RequestMetadataHeaderNamesInAnyCase_AreReadAsTheirNames()
    {
        // Streamable HTTP 2026-07-28 §Case Sensitivity: "Clients and servers MUST use case-insensitive comparisons for
        // header names. Header values (such as method names) are case-sensitive."
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var lower = new Dictionary<string, string?> { ["mcp-protocol-version"] = Modern, ["MCP-METHOD"] = "tools/call", ["mcp-name"] = "lookup_order" };
        var wrongCaseValue = new Dictionary<string, string?>(lower) { ["MCP-METHOD"] = "Tools/Call" };

        using var accepted = await PostAsync(body, credential, lower);
        var forwarded = Gateway.Upstream.Received.Count;
        using var mismatched = await PostAsync(body, credential, wrongCaseValue);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(-32020, (await JsonRpcErrorAsync(mismatched, 400)).GetProperty("code").GetInt32());
        Assert.Equal(forwarded, Gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task Post_AcceptHeader_ReachesTheMcpServerAsSent()
    {
        // Streamable HTTP §Sending Messages 2: the client's Accept names both answers; the MCP server picks one, so the
        // gateway must not narrow it.
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(Request("tools/list"), credential);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accept = Assert.Single(Gateway.Upstream.Received).Headers["Accept"];
        Assert.Contains("application/json", accept, StringComparison.Ordinal);
        Assert.Contains("text/event-stream", accept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_McpParamHeaders_ReachTheMcpServerUnchanged()
    {
        // Streamable HTTP 2026-07-28 §Server Behavior for Custom Headers: "Intermediate servers that do not recognize an
        // Mcp-Param-{Name} header MUST forward it and otherwise ignore it".
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "lookup_order", """{"orderId":"o-1"}""");
        var headers = ModernHeaders(body);
        headers["Mcp-Param-Region"] = "us-west1";
        headers["Mcp-Param-Note"] = "=?base64?SGVsbG8sIOS4lueVjA==?=";

        using var response = await PostAsync(body, credential, headers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        Assert.Equal(("us-west1", "=?base64?SGVsbG8sIOS4lueVjA==?="), (seen.Headers["Mcp-Param-Region"], seen.Headers["Mcp-Param-Note"]));
    }
}
