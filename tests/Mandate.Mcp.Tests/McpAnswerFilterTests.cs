using System.Text;
using System.Text.Json;

namespace Mandate.Mcp.Tests;

public sealed class McpAnswerFilterTests
{
    private const string Sampling = "data: {\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"sampling/createMessage\",\"params\":{}}\n\n";
    private const string Progress = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n";
    private const string Result = "id: 7\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
    private const string OtherTools = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"admin_reset\"}]}}";

    private static async Task<string> RelayAsync(string? contentType, string body, string? requestIdJson = "1", bool dropRequests = true)
    {
        using var relayed = await McpAnswerFilter.DropForeignAsync(contentType, new MemoryStream(Encoding.UTF8.GetBytes(body)), requestIdJson, dropRequests, 1 << 20, CancellationToken.None);
        using var reader = new StreamReader(relayed, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Theory]
    [InlineData(Sampling)]
    [InlineData("data: [{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"roots/list\"}]\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"elicitation/create\",\"params\":{}}\n\n")]
    public async Task DropForeign_SseUnder20260728_DropsServerRequestsAndKeepsNotificationsAndTheResponse(string request)
    {
        // Streamable HTTP 2026-07-28 §Receiving Messages: "The server MUST NOT send independent JSON-RPC requests on this stream."
        var relayed = await RelayAsync("text/event-stream; charset=utf-8", Progress + request + Result);

        Assert.Equal(Progress + Result, relayed);
    }

    [Theory]
    [InlineData("data: " + OtherTools + "\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":1.5,\"error\":{\"code\":-1,\"message\":\"x\"}}\n\n")]
    [InlineData("data: [{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}]\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"result\":{}}\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{},}\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"result\":{}}\n\n")]
    public async Task DropForeign_SseResponseToAnotherRequest_IsDroppedUnderEveryRevision(string foreign)
    {
        // JSON-RPC 2.0 §5: the response id "MUST be the same as the value of the id member in the Request Object"; 1 and "1" differ.
        foreach (var dropRequests in new[] { true, false })
        {
            Assert.Equal(Progress + Result, await RelayAsync("text/event-stream", Progress + foreign + Result, dropRequests: dropRequests));
        }
    }

    [Fact]
    public async Task DropForeign_SseResponseNestedBeyondTheParsersDefaultDepth_IsStillJudged()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var foreign = "data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"x\":" + deep + "}}\n\n";

        Assert.Equal(Result, await RelayAsync("text/event-stream", foreign + Result));
    }

    [Theory]
    [InlineData("\"a-1\"", "\"a\\u002d1\"")]
    [InlineData("\"a-1\"", "\"a-1\"")]
    [InlineData("12", "12")]
    public async Task DropForeign_SseResponseWithTheSameIdValue_Passes(string own, string sent)
    {
        var response = "data: {\"jsonrpc\":\"2.0\",\"id\":" + sent + ",\"result\":{}}\n\n";

        Assert.Equal(response, await RelayAsync("text/event-stream", response, own));
    }

    [Theory]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}\n\n")]
    [InlineData(": keep-alive\n\ndata: hello\n\n")]
    public async Task DropForeign_SseMessageNamingNoRequest_Passes(string answer)
    {
        // JSON-RPC 2.0 §5: an error about a message whose id could not be read has a null id; it answers no other request.
        Assert.Equal(answer, await RelayAsync("text/event-stream", answer, requestIdJson: null));
    }

    [Fact]
    public async Task DropForeign_SseAnswerToANotification_DropsEveryResponse()
    {
        // A POST holding only a notification or a response has no id of its own: no response belongs to it.
        Assert.Equal(Progress, await RelayAsync("text/event-stream", Progress + Result, requestIdJson: null, dropRequests: false));
    }

    [Fact]
    public async Task DropForeign_SseUnderAnOlderRevision_KeepsServerRequests() =>
        Assert.Equal(Sampling + Result, await RelayAsync("text/event-stream", Sampling + Result, dropRequests: false));

    [Theory]
    [InlineData(OtherTools, false)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}", false)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}]", true)]
    // Streamable HTTP 2026-07-28 §Receiving Messages: "The server MUST NOT send independent JSON-RPC requests on this stream."
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"sampling/createMessage\",\"params\":{}}", true)]
    public async Task DropForeign_JsonBodyHoldingAForeignMessage_BecomesAnInternalErrorForTheOwnId(string answer, bool dropRequests)
    {
        var relayed = await RelayAsync("application/json; charset=utf-8", answer, requestIdJson: "1", dropRequests);

        using var json = JsonDocument.Parse(relayed);
        Assert.Equal(1, json.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.InternalError, json.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain("admin_reset", relayed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DropForeign_JsonBodyAnsweringANotification_BecomesAnInternalErrorWithoutId()
    {
        var relayed = await RelayAsync("application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", requestIdJson: null);

        using var json = JsonDocument.Parse(relayed);
        Assert.False(json.RootElement.TryGetProperty("id", out _));
        Assert.Equal(JsonRpcErrorCodes.InternalError, json.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", true)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"sampling/createMessage\",\"params\":{}}", false)]
    [InlineData("", true)]
    [InlineData("not json", true)]
    public async Task DropForeign_JsonBodyThatBelongsToThePost_IsUnchanged(string answer, bool dropRequests) =>
        Assert.Equal(answer, await RelayAsync("application/json", answer, dropRequests: dropRequests));

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task DropForeign_OtherContentType_IsUnchanged(string? contentType) =>
        Assert.Equal(Sampling, await RelayAsync(contentType, Sampling));

    [Fact]
    public async Task DropForeign_JsonBodyOverTheLimit_Throws()
    {
        var body = new MemoryStream(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"" + new string('x', 100) + "\"}}"));

        await Assert.ThrowsAsync<InvalidDataException>(() => McpAnswerFilter.DropForeignAsync("application/json", body, "1", true, 64, CancellationToken.None));
    }
}
