using System.Net;
using ModelContextProtocol.Protocol;

namespace Mandate.Server.Tests.Mcp;

/// <summary>tools/call decided per call by the policy's mcp: rules, tools/list filtered, and approvals bound to the exact call.</summary>
public sealed class McpGatewayCallTests : McpGatewayTest
{
    private static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    [Fact]
    public async Task ToolsList_ShowsOnlyToolsTheCallerMayCall()
    {
        await using var client = await ConnectAsync(await Gateway.CredentialAsync());

        var names = (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["lookup_order", "refund", "whoami"], names);
    }

    [Fact]
    public async Task ToolsList_RawPost_AnswerHidesUncallableToolsAndHeadersReachTheServer()
    {
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(Request("tools/list"), credential);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"lookup_order\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("admin_reset", text, StringComparison.Ordinal);
        var upstreamSaw = Gateway.Upstream.Received.Single(r => r.Body.Contains("tools/list", StringComparison.Ordinal));
        Assert.Equal("tools/list", upstreamSaw.Headers["Mcp-Method"]);
    }

    [Fact]
    public async Task ToolsCall_AllowedByRule_IsForwardedAndAnswered()
    {
        await using var client = await ConnectAsync(await Gateway.CredentialAsync());

        var result = await client.CallToolAsync("refund", new Dictionary<string, object?> { ["orderId"] = "o-7", ["amount"] = 50 });

        Assert.Equal("refunded 50 on o-7", Text(result));
        Assert.Single(Gateway.Upstream.Calls("refund"));
    }

    [Fact]
    public async Task ToolsCall_NoRuleNamesTheTool_Returns403JsonRpcErrorAndForwardsNothing()
    {
        var credential = await Gateway.CredentialAsync();

        using var response = await PostAsync(Request("tools/call", "admin_reset", id: 42), credential);

        var error = await JsonRpcErrorAsync(response, 403);
        Assert.Equal(-31403, error.GetProperty("code").GetInt32());
        Assert.Equal("mcp.tool_not_allowed", error.GetProperty("data").GetProperty("check_id").GetString());
        Assert.Equal("admin_reset", error.GetProperty("data").GetProperty("tool").GetString());
        Assert.Empty(Gateway.Upstream.Calls("admin_reset"));
        Assert.Empty(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task ToolsCall_ForbiddenThroughTheSdk_ThrowsWithTheRuleAndFixInTheMessage()
    {
        await using var client = await ConnectAsync(await Gateway.CredentialAsync());

        // The C# SDK reports a non-2xx answer as HttpRequestException carrying the body: the agent sees the JSON-RPC error.
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.CallToolAsync("admin_reset").AsTask());
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("mcp.tool_not_allowed", e.Message, StringComparison.Ordinal);
        Assert.Contains("To fix", e.Message, StringComparison.Ordinal);

        Assert.Empty(Gateway.Upstream.Calls("admin_reset"));
    }

    [Fact]
    public async Task ToolsCall_CredentialWithoutTheToolsScope_Returns403ScopeMissing()
    {
        var readOnly = await Gateway.CredentialAsync(scope: "orders:read");

        using var response = await PostAsync(Request("tools/call", "refund", """{"orderId":"o-1","amount":5}"""), readOnly);

        var error = await JsonRpcErrorAsync(response, 403);
        Assert.Equal("mcp.scope_missing", error.GetProperty("data").GetProperty("check_id").GetString());
        Assert.Empty(Gateway.Upstream.Received);

        // RFC 6750 §3.1 / MCP scope challenge: the client can step up to the scopes the call needs, under either
        // scheme its credential uses (RFC 9449 §7.1), as the resource-server library answers.
        Assert.Equal(["Bearer", "DPoP"], response.Headers.WwwAuthenticate.Select(c => c.Scheme));
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            Assert.Contains("error=\"insufficient_scope\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("scope=\"refunds:write\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains($"resource_metadata=\"{Gateway.Endpoint().GetLeftPart(UriPartial.Authority)}/.well-known/oauth-protected-resource/", challenge.Parameter, StringComparison.Ordinal);
        }

        Assert.Contains("algs=", response.Headers.WwwAuthenticate.Last().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolsCall_AboveThreshold_PendsUntilApprovedThenSucceedsOnceAndPendsAgain()
    {
        var credential = await Gateway.CredentialAsync();
        var call = Request("tools/call", "refund", """{"orderId":"o-9","amount":500}""", id: 3);

        using var pending = await PostAsync(call, credential);
        var error = await JsonRpcErrorAsync(pending, 403);
        var data = error.GetProperty("data");
        var approvalId = data.GetProperty("approval_id").GetString()!;
        Assert.Equal(-31428, error.GetProperty("code").GetInt32());
        Assert.Equal("mcp.approval_pending", data.GetProperty("check_id").GetString());
        Assert.Equal($"mandate approvals approve {approvalId}", data.GetProperty("hint").GetString());
        Assert.True(data.GetProperty("expires_in").GetInt32() > 0);
        Assert.Empty(Gateway.Upstream.Calls("refund"));

        using (var again = await PostAsync(call, credential))
        {
            // The identical call while pending names the same approval: one human decision per call.
            Assert.Equal(approvalId, (await JsonRpcErrorAsync(again, 403)).GetProperty("data").GetProperty("approval_id").GetString());
        }

        using (var admin = Gateway.Broker.Admin())
        {
            await admin.DecideApprovalAsync(approvalId, approve: true, "admin:alice", "customer called");
        }

        using var approved = await PostAsync(call, credential);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("refunded 500 on o-9", await approved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Gateway.Upstream.Calls("refund"));

        using var replay = await PostAsync(call, credential);
        var next = await JsonRpcErrorAsync(replay, 403);
        Assert.Equal("mcp.approval_pending", next.GetProperty("data").GetProperty("check_id").GetString());
        Assert.NotEqual(approvalId, next.GetProperty("data").GetProperty("approval_id").GetString());
        Assert.Single(Gateway.Upstream.Calls("refund"));
    }

    [Fact]
    public async Task ToolsCall_ApprovedCallWithOtherArguments_IsStillPending()
    {
        var credential = await Gateway.CredentialAsync();
        using var pending = await PostAsync(Request("tools/call", "refund", """{"orderId":"o-9","amount":500}"""), credential);
        var approvalId = (await JsonRpcErrorAsync(pending, 403)).GetProperty("data").GetProperty("approval_id").GetString()!;
        using (var admin = Gateway.Broker.Admin())
        {
            await admin.DecideApprovalAsync(approvalId, approve: true, "admin:alice", null);
        }

        using var other = await PostAsync(Request("tools/call", "refund", """{"orderId":"o-9","amount":900}"""), credential);

        Assert.Equal("mcp.approval_pending", (await JsonRpcErrorAsync(other, 403)).GetProperty("data").GetProperty("check_id").GetString());
        Assert.Empty(Gateway.Upstream.Calls("refund"));
    }

    [Fact]
    public async Task ToolsCall_AfterTheRunIsRevoked_Returns401()
    {
        var credential = await Gateway.CredentialAsync();
        await using var client = await ConnectAsync(credential);
        await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = "o-1" });
        using (var admin = Gateway.Broker.Admin())
        {
            await admin.RevokeAsync("run", McpTokens.Claim(credential, "run"), "incident");
        }

        using var response = await PostAsync(Request("tools/call", "lookup_order", """{"orderId":"o-2"}"""), credential);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("proxy.credential_revoked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Gateway.Upstream.Calls("lookup_order"));
    }
}
