using System.Text.Json;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// The official MCP TypeScript SDK client (1.32.2, protocol 2025-11-25 with sessions: an older client than the
/// gateway's latest revision) through the gateway, knowing nothing but the gateway URL and the agent's two identity
/// tokens: it discovers the broker from the 401 and the RFC 9728 document, exchanges at the discovered token
/// endpoint, and then sees only what the policy lets it see and do.
/// </summary>
public sealed class McpGatewayTypeScriptTests : IAsyncLifetime
{
    private McpGatewayHarness _gateway = null!;
    private TypeScriptMcpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gateway = await McpGatewayHarness.StartAsync(brokerAtIssuer: true);
        _client = TypeScriptMcpClient.Start();
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task TypeScriptSdk_DiscoversTheBrokerFromTheGateway_AndExchangesForItsCredential()
    {
        var url = _gateway.Endpoint().ToString();

        var found = await OkAsync(new { op = "discover", url });
        var issued = await OkAsync(new { op = "exchange", subject_token = _gateway.Broker.UserToken(), actor_token = Svid(), scope = "orders:read refunds:write" });

        Assert.Equal(401, found.GetProperty("status").GetInt32());
        Assert.Equal(new Uri(_gateway.Proxy, "/.well-known/oauth-protected-resource/payments-mcp").ToString(), found.GetProperty("resource_metadata").GetString());
        Assert.Equal(url, found.GetProperty("resource").GetString());
        Assert.Equal(_gateway.Broker.Options.Issuer, found.GetProperty("issuer").GetString());
        Assert.Contains("urn:ietf:params:oauth:grant-type:token-exchange", found.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["orders:read", "refunds:write"], found.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Bearer", issued.GetProperty("token_type").GetString());
        Assert.Equal("orders:read refunds:write", issued.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task TypeScriptSdk_ListsOnlyCallableTools_CallsAllowed_IsRefusedForbiddenAndLargeRefundUntilApprovedOnce()
    {
        await ConnectWithExchangedCredentialAsync();

        var tools = await OkAsync(new { op = "list" });
        var lookup = await OkAsync(new { op = "call", name = "lookup_order", arguments = new { orderId = "o-1" } });
        var small = await OkAsync(new { op = "call", name = "refund", arguments = new { orderId = "o-1", amount = 40 } });
        var forbidden = await RefusedAsync(new { op = "call", name = "admin_reset", arguments = new { } }, 403);

        Assert.Equal(["lookup_order", "refund", "whoami"], tools.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("order o-1: shipped", lookup.GetProperty("text").GetString());
        Assert.Equal("refunded 40 on o-1", small.GetProperty("text").GetString());
        Assert.Contains("mcp.tool_not_allowed", forbidden, StringComparison.Ordinal);
        Assert.Empty(_gateway.Upstream.Calls("admin_reset"));

        var large = new { op = "call", name = "refund", arguments = new { orderId = "o-2", amount = 500 } };
        var pending = await RefusedAsync(large, 403);
        Assert.Contains("mcp.approval_pending", pending, StringComparison.Ordinal);
        var approval = ApprovalId(pending);
        Assert.Equal(approval, ApprovalId(await RefusedAsync(large, 403)));
        Assert.DoesNotContain(_gateway.Upstream.Calls("refund"), c => c.Body.Contains("o-2", StringComparison.Ordinal));

        using (var admin = _gateway.Broker.Admin())
        {
            await admin.DecideApprovalAsync(approval, approve: true, "admin:bob", "customer called");
        }

        var approved = await OkAsync(large);
        var replay = await RefusedAsync(large, 403);

        Assert.Equal("refunded 500 on o-2", approved.GetProperty("text").GetString());
        Assert.Contains("mcp.approval_pending", replay, StringComparison.Ordinal);
        Assert.NotEqual(approval, ApprovalId(replay));
        Assert.Single(_gateway.Upstream.Calls("refund"), c => c.Body.Contains("o-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TypeScriptSdk_NeverSeesTheUpstreamsCredentialOrTheVaultedKey()
    {
        await ConnectWithExchangedCredentialAsync();
        var jwt = await OkAsync(new { op = "call", name = "whoami", arguments = new { } });
        await OkAsync(new { op = "connect", url = _gateway.Endpoint(McpGatewayHarness.Vault).ToString(), token = await _gateway.CredentialAsync(McpGatewayHarness.Vault) });
        var vaulted = await OkAsync(new { op = "call", name = "whoami", arguments = new { } });

        // The upstream did receive a credential of its own (not the agent's) and the vaulted key ...
        var received = _gateway.Upstream.Calls("whoami").Select(c => c.Headers).ToList();
        Assert.Equal(2, received.Count);
        Assert.StartsWith("Bearer ", received[0]["Authorization"], StringComparison.Ordinal);
        Assert.Equal("Key " + _gateway.Secret, received[1]["X-Api-Key"]);

        // ... and what the client read back has both masked.
        var upstreamCredential = received[0]["Authorization"]["Bearer ".Length..];
        Assert.DoesNotContain(upstreamCredential, jwt.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_gateway.Secret, vaulted.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeScriptSdk_RevokedRunOrAnotherServersCredential_IsRefused401()
    {
        var credential = await ConnectWithExchangedCredentialAsync();
        await OkAsync(new { op = "call", name = "lookup_order", arguments = new { orderId = "o-1" } });

        using (var admin = _gateway.Broker.Admin())
        {
            await admin.RevokeAsync("run", McpTokens.Claim(credential, "run"), "incident");
        }

        var revoked = await RefusedAsync(new { op = "call", name = "lookup_order", arguments = new { orderId = "o-2" } }, 401);
        var otherServer = await RefusedAsync(new { op = "connect", url = _gateway.Endpoint().ToString(), token = await _gateway.CredentialAsync(McpGatewayHarness.Vault) }, 401);

        Assert.Contains("proxy.credential_revoked", revoked, StringComparison.Ordinal);
        Assert.NotNull(otherServer);
        Assert.Single(_gateway.Upstream.Calls("lookup_order"));
    }

    [Fact]
    public async Task TypeScriptSdk_ReadsTheGatewaysParseErrorAsAnMcpMessage()
    {
        var url = _gateway.Endpoint().ToString();
        await OkAsync(new { op = "discover", url });
        await OkAsync(new { op = "exchange", subject_token = _gateway.Broker.UserToken(), actor_token = Svid(), scope = "orders:read" });

        // MCP's schema (2025-11-25) makes an error's id optional and never null, where JSON-RPC 2.0 writes "id": null
        // for a request whose id could not be read; the SDK's message schema refuses the null.
        var answer = await OkAsync(new { op = "raw", url, body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\"," });

        Assert.Equal(400, answer.GetProperty("status").GetInt32());
        Assert.True(answer.GetProperty("readable").GetBoolean(), answer.ToString());
        Assert.Equal(-32700, answer.GetProperty("code").GetInt32());
    }

    private string Svid() => _gateway.Broker.Svid(TestBroker.SupportAgent);

    /// <summary>Discovery, a token exchange at the discovered endpoint and a session with that credential; returns it.</summary>
    private async Task<string> ConnectWithExchangedCredentialAsync()
    {
        var url = _gateway.Endpoint().ToString();
        await OkAsync(new { op = "discover", url });
        await OkAsync(new { op = "exchange", subject_token = _gateway.Broker.UserToken(), actor_token = Svid(), scope = "orders:read refunds:write" });
        var connected = await OkAsync(new { op = "connect", url });
        Assert.Equal("2025-11-25", connected.GetProperty("protocol").GetString());
        return (await OkAsync(new { op = "token" })).GetProperty("token").GetString()!;
    }

    private async Task<JsonElement> OkAsync(object command)
    {
        var answer = await _client.SendAsync(command);
        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        return answer;
    }

    /// <summary>The refusal's message (the SDK puts the gateway's JSON-RPC error body in it) after checking the status.</summary>
    private async Task<string> RefusedAsync(object command, int status)
    {
        var answer = await _client.SendAsync(command);
        Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.True(answer.GetProperty("status").ValueKind == JsonValueKind.Number && answer.GetProperty("status").GetInt32() == status, answer.ToString());
        return answer.GetProperty("message").GetString()!;
    }

    private static string ApprovalId(string refusal)
    {
        var at = refusal.IndexOf("\"approval_id\":\"", StringComparison.Ordinal);
        Assert.True(at >= 0, refusal);
        var start = at + "\"approval_id\":\"".Length;
        return refusal[start..refusal.IndexOf('"', start)];
    }
}
