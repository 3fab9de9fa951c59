using System.Net;
using Mandate.Core.Audit;
using ModelContextProtocol.Protocol;

namespace Mandate.Server.Tests.Mcp;

/// <summary>No token passthrough: the MCP server gets its own credential (or the vaulted key), and the agent never sees it.</summary>
public sealed class McpGatewayCredentialTests : McpGatewayTest
{
    private static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    [Fact]
    public async Task KindJwt_UpstreamGetsAFreshCredentialForItsOwnAudienceNeverTheAgents()
    {
        var credential = await Gateway.CredentialAsync();
        await using var client = await ConnectAsync(credential);

        await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = "o-1" });

        Assert.All(Gateway.Upstream.Received, r => Assert.DoesNotContain(credential, string.Join("\n", r.Headers.Values), StringComparison.Ordinal));
        var call = Gateway.Upstream.Calls("lookup_order").Single();
        var injected = call.Headers["Authorization"]["Bearer ".Length..];
        Assert.Equal(Gateway.UpstreamResource, McpTokens.Claim(injected, "aud"));
        Assert.Equal("orders:read", McpTokens.Claim(injected, "scope"));
        Assert.Equal(McpTokens.Claim(credential, "run"), McpTokens.Claim(injected, "run"));
        Assert.Equal(McpTokens.Claim(credential, "sub"), McpTokens.Claim(injected, "sub"));
        var lifetime = long.Parse(McpTokens.Claim(injected, "exp"), System.Globalization.CultureInfo.InvariantCulture) - long.Parse(McpTokens.Claim(injected, "iat"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(lifetime, 1, 60);
    }

    [Fact]
    public async Task KindJwt_UpstreamCredentialNeverOutlivesTheAgents()
    {
        var credential = await Gateway.CredentialAsync();
        var agentExpiry = McpTokens.Claim(credential, "exp");
        var remaining = DateTimeOffset.FromUnixTimeSeconds(long.Parse(agentExpiry, System.Globalization.CultureInfo.InvariantCulture)) - Gateway.Broker.Now;
        Gateway.Broker.Clock.Advance(remaining - TimeSpan.FromSeconds(20));

        using var response = await PostAsync(Request("tools/call", "lookup_order", """{"orderId":"o-1"}"""), credential);

        var injected = Gateway.Upstream.Calls("lookup_order").Single().Headers["Authorization"]["Bearer ".Length..];
        Assert.Equal(agentExpiry, McpTokens.Claim(injected, "exp"));
    }

    [Fact]
    public async Task ToolsList_IsAProxyCallRecordNamingTheMcpMethodWithAllToolScopes()
    {
        await using var client = await ConnectAsync(await Gateway.CredentialAsync());

        await client.ListToolsAsync();

        var list = Gateway.Upstream.Received.Last(r => r.Body.Contains("\"tools/list\"", StringComparison.Ordinal));
        Assert.Equal("orders:read refunds:write", McpTokens.Claim(list.Headers["Authorization"]["Bearer ".Length..], "scope"));
        var calls = await AuditRecordsAsync(EgressAuditKinds.ProxyCall, records => records.Any(c => c.Evidence.GetValueOrDefault("mcp_method") == "tools/list"));

        Assert.Contains(calls, c => c.Evidence.GetValueOrDefault("mcp_method") == "tools/list" && c.Outcome == "forwarded");
    }

    [Fact]
    public async Task KindJwt_UpstreamCredentialIsRecordedBeforeUseAndReusedForTheSameScope()
    {
        var credential = await Gateway.CredentialAsync();
        await using var client = await ConnectAsync(credential);

        await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = "o-1" });
        await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = "o-2" });

        var jtis = Gateway.Upstream.Calls("lookup_order").Select(r => McpTokens.Claim(r.Headers["Authorization"]["Bearer ".Length..], "jti")).Distinct().ToList();
        var jti = Assert.Single(jtis);
        var issued = new List<AuditEvent>();
        await foreach (var r in Gateway.Broker.Runtime.Store.ReadAuditAsync(new AuditQuery { Jti = jti, Kind = AuditKinds.Issuance }, CancellationToken.None))
        {
            issued.Add(r.Event);
        }

        var record = Assert.Single(issued);
        Assert.Equal(McpGatewayHarness.Payments, record.Tool);
        Assert.Equal(Gateway.UpstreamResource, record.Evidence["aud"]);
        Assert.Equal(McpTokens.Claim(credential, "jti"), record.Evidence["caller_jti"]);
    }

    [Fact]
    public async Task KindJwt_ConcurrentFirstCalls_ShareOneUpstreamCredential()
    {
        var credential = await Gateway.CredentialAsync();

        var answers = await Task.WhenAll(Enumerable.Range(1, 12).Select(async i =>
        {
            using var response = await PostAsync(Request("tools/call", "lookup_order", $$"""{"orderId":"o-{{i}}"}""", id: i), credential);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        var jtis = Gateway.Upstream.Calls("lookup_order").Select(r => McpTokens.Claim(r.Headers["Authorization"]["Bearer ".Length..], "jti")).Distinct();
        Assert.Single(jtis);
        var minted = 0;
        await foreach (var r in Gateway.Broker.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance }, CancellationToken.None))
        {
            minted += r.Event.Evidence.GetValueOrDefault("caller_jti") == McpTokens.Claim(credential, "jti") ? 1 : 0;
        }

        Assert.Equal(1, minted);
    }

    [Fact]
    public async Task KindJwt_UpstreamCredentialEchoedByTheServer_IsScrubbedFromWhatTheAgentSees()
    {
        await using var client = await ConnectAsync(await Gateway.CredentialAsync());

        var text = Text(await client.CallToolAsync("whoami"));

        var injected = Gateway.Upstream.Calls("whoami").Single().Headers["Authorization"]["Bearer ".Length..];
        Assert.DoesNotContain(injected, text, StringComparison.Ordinal);
        Assert.Contains("authorization=Bearer ***", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KindSecret_VaultedKeyIsInjectedAndNeverReachesTheAgent()
    {
        var credential = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        await using var client = await ConnectAsync(credential, McpGatewayHarness.Vault);

        var text = Text(await client.CallToolAsync("whoami"));

        var call = Gateway.Upstream.Calls("whoami").Single();
        Assert.Equal("Key " + Gateway.Secret, call.Headers["X-Api-Key"]);
        Assert.False(call.Headers.ContainsKey("Authorization"), "the agent's credential must not travel upstream");
        Assert.DoesNotContain(Gateway.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Gateway.Secret, await Gateway.Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Gateway.Secret, Gateway.Broker.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KindSecret_WithoutVaultedKey_Returns503AndForwardsNothing()
    {
        var credential = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        using (var admin = Gateway.Broker.Admin())
        {
            await admin.DeleteSecretAsync(McpGatewayHarness.Vault);
        }

        using var response = await PostAsync(Request("tools/call", "lookup_order", """{"orderId":"o-1"}"""), credential, tool: McpGatewayHarness.Vault);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task UpstreamRefusesTheInjectedCredential_Returns502WithoutTheServersChallenge()
    {
        // MCP authorization: a 401's resource_metadata steers the client's discovery; the MCP server's own would send it
        // to a resource it cannot reach, for a credential it does not hold (RFC 9728 §3.3).
        var credential = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        using (var admin = Gateway.Broker.Admin())
        {
            await admin.SetSecretAsync(McpGatewayHarness.Vault, System.Text.Encoding.UTF8.GetBytes(UpstreamMcpServer.RejectedKey + "_key_1234"));
        }

        using var response = await PostAsync(Request("tools/list"), credential, tool: McpGatewayHarness.Vault);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        Assert.DoesNotContain("internal.example", text, StringComparison.Ordinal);
        Assert.Contains("proxy.upstream_failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamForbidsTheInjectedCredential_Relays403WithoutTheServersChallenge()
    {
        // RFC 9728 §5.1, §7.3: the agent's challenges are the gateway's own; the MCP server's insufficient_scope names its
        // own metadata and scopes, which would steer the client's step-up to a resource it never reaches.
        var credential = await Gateway.CredentialAsync(McpGatewayHarness.Vault);
        using (var admin = Gateway.Broker.Admin())
        {
            await admin.SetSecretAsync(McpGatewayHarness.Vault, System.Text.Encoding.UTF8.GetBytes(UpstreamMcpServer.ForbiddenKey + "_key_1234"));
        }

        using var response = await PostAsync(Request("tools/list"), credential, tool: McpGatewayHarness.Vault);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        Assert.DoesNotContain("internal.example", text, StringComparison.Ordinal);
        Assert.Contains("may not list tools", text, StringComparison.Ordinal);
    }
}
