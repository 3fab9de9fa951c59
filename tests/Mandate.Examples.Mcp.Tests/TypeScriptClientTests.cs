using System.Text.Json;
using Mandate.Examples.Mcp.Tests.Harness;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// The official MCP TypeScript SDK (1.32.2) against the example server, with nothing Mandate-specific on its side: it
/// parses the challenges, finds the metadata (from the challenge and from the well-known fallback), and its
/// streamable HTTP client lists and calls tools with a credential the broker issued for this server.
/// </summary>
public sealed class TypeScriptClientTests : McpTest
{
    private static string? S(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).ToString();

    [Fact]
    public async Task TypeScriptSdk_ParsesTheChallenges_AndFindsTheMetadataBothWays()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var found = await TypeScriptMcpClient.DiscoverAsync(new { url = Harness.Resource, token = credential });

        var challenge = found.GetProperty("challenge");
        Assert.Equal(401, challenge.GetProperty("status").GetInt32());
        Assert.EndsWith("/.well-known/oauth-protected-resource/mcp", S(challenge, "resource_metadata"), StringComparison.Ordinal);
        Assert.Equal("orders:read", S(challenge, "scope"));
        Assert.Null(S(challenge, "error"));
        foreach (var metadata in new[] { found.GetProperty("viaChallenge"), found.GetProperty("viaWellKnown") })
        {
            Assert.Equal(Harness.Resource, S(metadata, "resource"));
            Assert.Equal([Harness.Issuer], metadata.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        }

        // The step-up signal as the SDK reads it: all the call needs, and where to look.
        var refused = found.GetProperty("refused");
        Assert.Equal(403, refused.GetProperty("status").GetInt32());
        Assert.Equal("insufficient_scope", S(refused, "error"));
        Assert.Equal("refunds:write", S(refused, "scope"));
        Assert.Equal(S(challenge, "resource_metadata"), S(refused, "resource_metadata"));
    }

    [Fact]
    public async Task TypeScriptSdkClient_ListsAndCallsTools_AndIsRefusedRefund()
    {
        var credential = await Harness.CredentialAsync("orders:read");
        await using var client = TypeScriptMcpClient.Start();

        AssertOk(await client.SendAsync(new { op = "connect", url = Harness.Resource, token = credential }));
        var tools = await client.SendAsync(new { op = "list" });
        var lookup = await client.SendAsync(new { op = "call", name = "lookup_order", arguments = new { order_id = "o-1001" } });
        var refund = await client.SendAsync(new { op = "call", name = "refund", arguments = new { order_id = "o-1001", amount = 5 } });

        AssertOk(tools);
        Assert.Equal(["lookup_order", "refund"], tools.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        AssertOk(lookup);
        Assert.Contains("120", S(lookup, "text"), StringComparison.Ordinal);
        Assert.False(refund.GetProperty("ok").GetBoolean(), refund.ToString());
        Assert.Equal(403, refund.GetProperty("status").GetInt32());
    }

    [Theory]
    // MCP's schema (2025-11-25) makes an error's id optional and never null, where JSON-RPC 2.0 writes "id": null for a
    // request whose id could not be read; the SDK's message schema refuses the null.
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",", null, 400, -32700)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", "http://evil.example", 403, -32600)]
    public async Task TypeScriptSdkClient_ReadsTheErrorForARequestWhoseIdIsUnknown(string body, string? origin, int status, int code)
    {
        var credential = await Harness.CredentialAsync("orders:read");
        await using var client = TypeScriptMcpClient.Start();

        var answer = await client.SendAsync(new { op = "raw", url = Harness.Resource, body, origin, token = credential });

        AssertOk(answer);
        Assert.Equal(status, answer.GetProperty("status").GetInt32());
        Assert.True(answer.GetProperty("readable").GetBoolean(), answer.ToString());
        Assert.Equal(code, answer.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task TypeScriptSdkClient_WithACredentialForAnotherMcpServer_IsRefused401()
    {
        var credential = await Harness.CredentialAsync("other:read", resource: McpBroker.OtherResource);
        await using var client = TypeScriptMcpClient.Start();

        var connected = await client.SendAsync(new { op = "connect", url = Harness.Resource, token = credential });

        Assert.False(connected.GetProperty("ok").GetBoolean(), connected.ToString());
        Assert.Equal(401, connected.GetProperty("status").GetInt32());
    }
}
