using System.Text;

namespace Mandate.Mcp.Tests;

public sealed class McpServerRequestFilterTests
{
    private const string Sampling = "data: {\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"sampling/createMessage\",\"params\":{}}\n\n";
    private const string Progress = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n";
    private const string Result = "id: 7\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";

    private static async Task<string> RelayAsync(string? contentType, string body)
    {
        using var relayed = McpServerRequestFilter.DropRequests(contentType, new MemoryStream(Encoding.UTF8.GetBytes(body)), 1 << 20);
        using var reader = new StreamReader(relayed, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Theory]
    [InlineData(Sampling)]
    [InlineData("data: [{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"roots/list\"}]\n\n")]
    [InlineData("data: {\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"elicitation/create\",\"params\":{}}\n\n")]
    public async Task DropRequests_Sse_DropsServerRequestsAndKeepsNotificationsAndTheResponse(string request)
    {
        // Streamable HTTP 2026-07-28 §Receiving Messages: "The server MUST NOT send independent JSON-RPC requests on this stream."
        var relayed = await RelayAsync("text/event-stream; charset=utf-8", Progress + request + Result);

        Assert.Equal(Progress + Result, relayed);
    }

    [Fact]
    public async Task DropRequests_Sse_PassesDataThatIsNotJson() =>
        Assert.Equal(": keep-alive\n\ndata: hello\n\n", await RelayAsync("text/event-stream", ": keep-alive\n\ndata: hello\n\n"));

    [Theory]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task DropRequests_NotSse_IsUnchanged(string? contentType) =>
        Assert.Equal(Sampling, await RelayAsync(contentType, Sampling));
}
