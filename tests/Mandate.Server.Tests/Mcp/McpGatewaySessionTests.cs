using System.Net;
using System.Text.Json;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// MCP security best practices §Session Hijacking: a session (revisions before 2026-07-28) belongs to the caller that
/// opened it. Every agent presents the same vaulted key to a kind secret server, so the gateway is what tells them apart.
/// </summary>
public sealed class McpGatewaySessionTests : McpGatewayTest
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}""";
    private const string Lookup = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"lookup_order","arguments":{"orderId":"o-5"}}}""";

    [Fact]
    public async Task Session_OpenedByAnotherUser_Returns404AndForwardsNothing()
    {
        var alice = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        var bob = await VaultCredentialAsync("bob");
        var session = await OpenSessionAsync(alice);
        var before = Gateway.Upstream.Received.Count;

        using var hijacked = await PostAsync(Lookup, bob, Legacy(session), McpGatewayHarness.Vault);
        using var own = await PostAsync(Lookup, alice, Legacy(session), McpGatewayHarness.Vault);

        await AssertSessionUnknownAsync(hijacked);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(before + 1, Gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task Session_OpenedInAnotherRunOfTheSameAgentAndUser_Returns404AndForwardsNothing()
    {
        // One run's session (its server-side state, its pending requests) is not another run's authority.
        var runA = await InRunCredentialAsync(await StartVaultRunAsync());
        var runB = await InRunCredentialAsync(await StartVaultRunAsync());
        Assert.NotEqual(McpTokens.Claim(runA, "run"), McpTokens.Claim(runB, "run"));
        var session = await OpenSessionAsync(runA);
        var before = Gateway.Upstream.Received.Count;

        using var otherRun = await PostAsync(Lookup, runB, Legacy(session), McpGatewayHarness.Vault);
        using var deleted = await DeleteAsync(session, runB);
        using var ownRun = await PostAsync(Lookup, runA, Legacy(session), McpGatewayHarness.Vault);

        await AssertSessionUnknownAsync(otherRun);
        await AssertSessionUnknownAsync(deleted);
        Assert.Equal(HttpStatusCode.OK, ownRun.StatusCode);
        Assert.Equal(before + 1, Gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task Session_NewCredentialInTheSameRun_KeepsTheSession()
    {
        var runToken = await StartVaultRunAsync();
        var first = await InRunCredentialAsync(runToken);
        var second = await InRunCredentialAsync(runToken);
        Assert.NotEqual(McpTokens.Claim(first, "jti"), McpTokens.Claim(second, "jti"));
        var session = await OpenSessionAsync(first);

        using var renewed = await PostAsync(Lookup, second, Legacy(session), McpGatewayHarness.Vault);

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task Session_UpstreamIdWithoutTheGatewaysBinding_Returns404AndForwardsNothing()
    {
        var alice = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        var bob = await VaultCredentialAsync("bob");
        var session = await OpenSessionAsync(alice);
        var upstreamId = session[..session.LastIndexOf('.')];
        var before = Gateway.Upstream.Received.Count;

        using var bare = await PostAsync(Lookup, bob, Legacy(upstreamId), McpGatewayHarness.Vault);
        using var forged = await PostAsync(Lookup, bob, Legacy(upstreamId + ".AAAAAAAAAAAAAAAAAAAAAA"), McpGatewayHarness.Vault);

        await AssertSessionUnknownAsync(bare);
        await AssertSessionUnknownAsync(forged);
        Assert.Equal(before, Gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task Delete_UnknownSession_Returns404AndForwardsNothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Gateway.Endpoint());
        request.Headers.Authorization = new("Bearer", await Gateway.CredentialAsync());
        request.Headers.Add("Mcp-Session-Id", "session-1");

        using var response = await Http.SendAsync(request);

        await AssertSessionUnknownAsync(response);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Theory]
    // Streamable HTTP §Protocol Version Header: an invalid or unsupported version MUST be answered with 400.
    [InlineData("2099-01-01")]
    [InlineData("latest")]
    public async Task Delete_UnsupportedProtocolVersion_Returns400AndForwardsNothing(string version)
    {
        var alice = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        var session = await OpenSessionAsync(alice);
        var before = Gateway.Upstream.Received.Count;
        using var request = new HttpRequestMessage(HttpMethod.Delete, Gateway.Endpoint(McpGatewayHarness.Vault));
        request.Headers.Authorization = new("Bearer", alice);
        request.Headers.Add("Mcp-Session-Id", session);
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", version);

        using var response = await Http.SendAsync(request);

        var error = await JsonRpcErrorAsync(response, 400);
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        Assert.Equal("mcp.unsupported_protocol_version", error.GetProperty("data").GetProperty("check_id").GetString());
        Assert.Equal(before, Gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task Delete_UnknownSessionWithUnsupportedProtocolVersion_Returns400NotSessionUnknown()
    {
        // Streamable HTTP §Protocol Version Header: an unsupported version MUST be a 400, whatever else the request names.
        using var response = await DeleteAsync("made-up.AAAAAAAAAAAAAAAAAAAAAA", await Gateway.CredentialAsync(McpGatewayHarness.Vault), "2099-01-01");

        Assert.Equal(-32022, (await JsonRpcErrorAsync(response, 400)).GetProperty("code").GetInt32());
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Delete_SessionIdUnderARevisionWithoutSessions_Returns405AndForwardsNothing()
    {
        // Streamable HTTP 2026-07-28 §Backward Compatibility: that revision has no sessions; its DELETE is 405.
        var alice = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        var session = await OpenSessionAsync(alice);
        var before = Gateway.Upstream.Received.Count;

        using var response = await DeleteAsync(session, alice, Modern);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("mcp.method_not_allowed", problem.RootElement.GetProperty("check_id").GetString());
        Assert.Equal(before, Gateway.Upstream.Received.Count);
    }

    private async Task<string> OpenSessionAsync(string credential)
    {
        using var initialized = await PostAsync(Initialize, credential, new Dictionary<string, string?>(), McpGatewayHarness.Vault);
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        return initialized.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private Task<string> StartVaultRunAsync() => Gateway.Broker.StartRunAsync(scope: "vault:read vault:write");

    private Task<string> InRunCredentialAsync(string runToken) =>
        Gateway.Broker.IssueInRunAsync(runToken, tool: Gateway.Endpoint(McpGatewayHarness.Vault).ToString(), scope: "vault:read vault:write");

    private async Task<HttpResponseMessage> DeleteAsync(string session, string credential, string version = "2025-06-18")
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Gateway.Endpoint(McpGatewayHarness.Vault));
        request.Headers.Authorization = new("Bearer", credential);
        request.Headers.Add("Mcp-Session-Id", session);
        request.Headers.Add("MCP-Protocol-Version", version);
        return await Http.SendAsync(request);
    }

    private Task<string> VaultCredentialAsync(string user) =>
        Gateway.Broker.IssueAsync(Gateway.Broker.RefundRequest() with
        {
            SubjectToken = Gateway.Broker.UserToken(user),
            Resource = Gateway.Endpoint(McpGatewayHarness.Vault).ToString(),
            Scope = "vault:read vault:write",
        });

    private static Dictionary<string, string?> Legacy(string session) =>
        new() { ["MCP-Protocol-Version"] = "2025-06-18", ["Mcp-Session-Id"] = session };

    private static async Task AssertSessionUnknownAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"expected 404, got {(int)response.StatusCode}: {text}");
        using var problem = JsonDocument.Parse(text);
        Assert.Equal("mcp.session_unknown", problem.RootElement.GetProperty("check_id").GetString());
        // RFC 9457 §3.1.4: the title summarises the problem type; the tool is known, the session is not.
        Assert.Equal("unknown MCP session", problem.RootElement.GetProperty("title").GetString());
    }
}
