using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Mcp;

/// <summary>What clients of older revisions and the proxy's run-token mode get at the gateway.</summary>
public sealed class McpGatewayLegacyTests : McpGatewayTest
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}""";

    [Fact]
    public async Task LegacyInitializeAndCall_WithoutHeaders_AreForwardedAndDecidedFromTheBody()
    {
        var credential = await Gateway.CredentialAsync();

        using var initialized = await PostAsync(Initialize, credential, new Dictionary<string, string?>());
        var session = initialized.Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.Single() : null;
        var legacy = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = "2025-06-18", ["Mcp-Session-Id"] = session };
        using var allowed = await PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"lookup_order","arguments":{"orderId":"o-5"}}}""", credential, legacy);
        using var denied = await PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"admin_reset","arguments":{}}}""", credential, legacy);

        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        Assert.Contains("\"protocolVersion\"", await initialized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("order o-5: shipped", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("mcp.tool_not_allowed", (await JsonRpcErrorAsync(denied, 403)).GetProperty("data").GetProperty("check_id").GetString());
        Assert.Empty(Gateway.Upstream.Calls("admin_reset"));
    }

    [Fact]
    public async Task Delete_WithSessionId_IsAuthenticatedAndForwarded()
    {
        var credential = await Gateway.CredentialAsync();
        using var initialized = await PostAsync(Initialize, credential, new Dictionary<string, string?>());
        using var request = new HttpRequestMessage(HttpMethod.Delete, Gateway.Endpoint());
        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.Add("Mcp-Session-Id", initialized.Headers.GetValues("Mcp-Session-Id").Single());

        using var response = await Http.SendAsync(request);

        var seen = Gateway.Upstream.Received[^1];
        Assert.Equal("DELETE", seen.Method);
        Assert.StartsWith(seen.Headers["Mcp-Session-Id"] + ".", initialized.Headers.GetValues("Mcp-Session-Id").Single(), StringComparison.Ordinal);
        Assert.NotEqual(credential, seen.Headers["Authorization"]["Bearer ".Length..]);
    }

    [Fact]
    public async Task Delete_WithSessionIdWithoutCredential_Returns401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Gateway.Endpoint());
        request.Headers.Add("Mcp-Session-Id", "session-1");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Delete_WithoutSessionId_Returns405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Gateway.Endpoint());
        request.Headers.Authorization = new("Bearer", await Gateway.CredentialAsync());

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task RunTokenMode_ExchangesThenDecidesTheCall()
    {
        var runToken = await Gateway.Broker.StartRunAsync(scope: "orders:read");
        var headers = ModernHeaders(Request("tools/call", "admin_reset"));
        headers["Mandate-Run-Token"] = runToken;
        headers["Mandate-Actor-Token"] = Gateway.Broker.Svid(TestBroker.SupportAgent);
        headers["Mandate-Scope"] = "orders:read";

        using var denied = await PostAsync(Request("tools/call", "admin_reset"), credential: null, headers);

        Assert.Equal("mcp.tool_not_allowed", (await JsonRpcErrorAsync(denied, 403)).GetProperty("data").GetProperty("check_id").GetString());
        Assert.Empty(Gateway.Upstream.Received);
        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal(("run_token", RunExchanges.RunId(runToken)), (record.Evidence["mode"], record.Run));
    }

    [Fact]
    public async Task RunTokenMode_ExchangeRefused_403WithTheGatewaysChallenge()
    {
        var runToken = await Gateway.Broker.StartRunAsync(scope: "orders:read");
        var headers = ModernHeaders(Request("tools/list"));
        headers["Mandate-Run-Token"] = runToken;
        headers["Mandate-Actor-Token"] = Gateway.Broker.Svid(TestBroker.SupportAgent);
        headers["Mandate-Scope"] = "refunds:write";

        using var refused = await PostAsync(Request("tools/list"), credential: null, headers);

        // RFC 6750 §3: no credential that enables the call, so a challenge; RFC 9728 §5.1: the gateway's own metadata.
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var bearer = Assert.Single(refused.Headers.WwwAuthenticate, c => c.Scheme == "Bearer").Parameter ?? "";
        Assert.Contains("resource_metadata=\"" + Gateway.Proxy + ".well-known/oauth-protected-resource/payments-mcp\"", bearer, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_scope\"", bearer, StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }
}
