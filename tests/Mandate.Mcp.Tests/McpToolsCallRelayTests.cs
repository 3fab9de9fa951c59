using System.IO.Pipelines;
using System.Text;

namespace Mandate.Mcp.Tests;

/// <summary>A tools/call answer's result event waits for the caller's record; everything else stays live.</summary>
public sealed class McpToolsCallRelayTests
{
    private const string Progress = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n";
    private const string Result = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[]}}\n\n";

    [Fact]
    public async Task HoldResult_Sse_RelaysNotificationsAtOnce_AndTheResultOnlyAfterTheCallbackAtTheEnd()
    {
        var pipe = new Pipe();
        var recorded = false;
        var events = new List<string>();
        using var relay = McpToolsCallRelay.HoldResult("text/event-stream; charset=utf-8", pipe.Reader.AsStream(), _ =>
        {
            events.Add("recorded");
            recorded = true;
            return Task.CompletedTask;
        }, 64 * 1024);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Progress), timeout.Token);
        var first = Encoding.UTF8.GetString(buffer, 0, await relay.ReadAsync(buffer, timeout.Token));
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Result), timeout.Token);
        var early = relay.ReadAsync(buffer, timeout.Token).AsTask();
        await Task.Delay(100, timeout.Token);
        Assert.False(early.IsCompleted);
        Assert.False(recorded);
        await pipe.Writer.CompleteAsync();
        var last = await early;

        Assert.Equal(Progress, first);
        Assert.Equal(["recorded"], events);
        Assert.Equal(Result, Encoding.UTF8.GetString(buffer, 0, last));
        Assert.Equal(0, await relay.ReadAsync(buffer, timeout.Token));
    }

    [Theory]
    // A client that reads 2025-03-26 batches takes the result out of one: it is a result, held like any other.
    [InlineData("batch")]
    // Clients read JSON nested deeper than the parser's default 64 levels, or with a trailing comma.
    [InlineData("deep")]
    [InlineData("lenient")]
    public async Task HoldResult_SseResponseInAnyShapeAClientReads_IsHeldUntilTheCallbackToo(string shape)
    {
        var batch = shape switch
        {
            "batch" => "data: [{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[]}}]\n\n",
            "deep" => "data: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":" + new string('[', 100) + new string(']', 100) + "}}\n\n",
            _ => "data: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[]},}\n\n",
        };
        var events = new List<string>();
        using var relay = McpToolsCallRelay.HoldResult("text/event-stream", new MemoryStream(Encoding.UTF8.GetBytes(batch + Progress)), _ =>
        {
            events.Add("recorded");
            return Task.CompletedTask;
        }, 64 * 1024);

        using var reader = new StreamReader(relay);
        var text = await reader.ReadToEndAsync();

        Assert.Equal(Progress + batch, text);
        Assert.Equal(["recorded"], events);
    }

    [Fact]
    public async Task HoldResult_SseWithoutResponseEvent_StillCallsBackOnceAtTheEnd()
    {
        var calls = 0;
        using var relay = McpToolsCallRelay.HoldResult("text/event-stream", new MemoryStream(Encoding.UTF8.GetBytes(Progress + ": keep-alive\n\n")), _ =>
        {
            calls++;
            return Task.CompletedTask;
        }, 64 * 1024);

        using var reader = new StreamReader(relay);
        var text = await reader.ReadToEndAsync();

        Assert.Equal(Progress + ": keep-alive\n\n", text);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void HoldResult_Json_IsRelayedUnchanged()
    {
        var body = new MemoryStream(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));

        var relayed = McpToolsCallRelay.HoldResult("application/json", body, _ => throw new InvalidOperationException("not for JSON"), 1024);

        Assert.Same(body, relayed);
    }
}
