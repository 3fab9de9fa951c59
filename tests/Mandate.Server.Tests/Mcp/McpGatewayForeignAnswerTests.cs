using System.Net;
using System.Text.Json;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// An MCP server may answer a POST only with what belongs to that POST: a response carrying another request's id would
/// reach that request in the agent's SDK (which matches responses by id) past the filter of that request's own POST.
/// </summary>
public sealed class McpGatewayForeignAnswerTests : McpGatewayTest
{
    private const string Older = "2025-11-25";

    private static string OlderRequest(string method) => method == "tools/call"
        ? """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup_order","arguments":{"orderId":"o-1"}}}"""
        : "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\"}";

    /// <summary>POSTs <paramref name="method"/> (id 1) under <paramref name="revision"/>, asking the MCP server for a scripted answer.</summary>
    private async Task<HttpResponseMessage> PostScriptedAsync(string method, string revision, string script, string shape)
    {
        var credential = await Gateway.CredentialAsync();
        Dictionary<string, string?> headers;
        string body;
        if (revision == Modern)
        {
            body = method == "tools/call" ? Request(method, "lookup_order", """{"orderId":"o-1"}""") : Request(method);
            headers = ModernHeaders(body);
        }
        else
        {
            body = OlderRequest(method);
            headers = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = revision };
        }

        headers[script] = shape;
        return await PostAsync(body, credential, headers);
    }

    [Theory]
    [InlineData("ping", Modern)]
    [InlineData("tools/call", Modern)]
    [InlineData("tools/list", Modern)]
    [InlineData("ping", Older)]
    [InlineData("tools/call", Older)]
    public async Task Invariant1_ResponseToAnotherRequestInAnSseAnswer_IsNotRelayed(string method, string revision)
    {
        // JSON-RPC 2.0 §5: the response id "MUST be the same as the value of the id member in the Request Object"; a
        // response for id 2 on the answer to id 1 would show the agent a tool list no filter has seen.
        using var response = await PostScriptedAsync(method, revision, UpstreamMcpServer.AnswerAnotherRequest, "sse");

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("admin_reset", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"id\":2", text, StringComparison.Ordinal);
        Assert.Contains("\"id\":1,\"result\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ping", Modern)]
    [InlineData("tools/call", Modern)]
    [InlineData("ping", Older)]
    [InlineData("tools/call", Older)]
    public async Task Invariant1_ResponseToAnotherRequestAsTheJsonAnswer_BecomesAnInternalErrorForThePostsId(string method, string revision)
    {
        // JSON-RPC 2.0 §5: the response id "MUST be the same as the value of the id member in the Request Object".
        using var response = await PostScriptedAsync(method, revision, UpstreamMcpServer.AnswerAnotherRequest, "json");

        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("admin_reset", text, StringComparison.Ordinal);
        var error = await JsonRpcErrorAsync(response, 200);
        Assert.Equal(-32603, error.GetProperty("code").GetInt32());
        using var json = JsonDocument.Parse(text);
        Assert.Equal(1, json.RootElement.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Invariant1_ResponseToAnotherRequestInAToolsCallAnswer_StillWaitsForTheCallsRecord()
    {
        using var response = await PostScriptedAsync("tools/call", Modern, UpstreamMcpServer.AnswerAnotherRequest, "sse");

        Assert.Contains("\"id\":1,\"result\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal(("allowed", "lookup_order"), (record.Outcome, record.Evidence["mcp_tool"]));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"srv-1","result":{}}""")]
    public async Task Invariant1_AnyResponseOnTheAnswerToANotificationOrResponse_IsNotRelayed(string message)
    {
        // Streamable HTTP 2025-11-25 §Sending Messages 4: a notification or response is answered 202 with no body; it has
        // no id, so no response belongs to it.
        var credential = await Gateway.CredentialAsync();
        var headers = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Older, [UpstreamMcpServer.AnswerAnotherRequest] = "sse" };

        using var response = await PostAsync(message, credential, headers);

        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("admin_reset", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"result\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UpstreamRequestAsTheJsonAnswerUnder20260728_IsNotRelayed()
    {
        // Streamable HTTP 2026-07-28 §Receiving Messages: "The server MUST NOT send independent JSON-RPC requests on this stream."
        using var response = await PostScriptedAsync("ping", Modern, UpstreamMcpServer.SendServerRequest, "json");

        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("sampling/createMessage", text, StringComparison.Ordinal);
        Assert.Equal(-32603, (await JsonRpcErrorAsync(response, 200)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Post_UpstreamRequestAsTheJsonAnswerUnderAnOlderRevision_IsRelayed()
    {
        using var response = await PostScriptedAsync("ping", Older, UpstreamMcpServer.SendServerRequest, "json");

        Assert.Equal(UpstreamMcpServer.ServerRequest, await response.Content.ReadAsStringAsync());
    }
}
