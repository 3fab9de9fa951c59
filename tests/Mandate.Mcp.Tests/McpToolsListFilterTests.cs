using System.Text;
using System.Text.Json;

namespace Mandate.Mcp.Tests;

public sealed class McpToolsListFilterTests
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"lookup_order","inputSchema":{"type":"object"}},{"name":"refund","description":"Ré"},{"description":"nameless"}],"nextCursor":"c1","_meta":{"k":[1,2]}}}""";

    private static readonly Func<string, bool> OnlyLookup = name => name == "lookup_order";

    private static async Task<string> FilterAsync(string? contentType, string body, Func<string, bool>? mayList = null, int chunk = 0)
    {
        Stream upstream = chunk > 0 ? new TrickleStream(Encoding.UTF8.GetBytes(body), chunk) : new MemoryStream(Encoding.UTF8.GetBytes(body));
        using var filtered = await McpToolsListFilter.FilterAsync(contentType, upstream, mayList ?? OnlyLookup, 1 << 20, CancellationToken.None);
        using var reader = new StreamReader(filtered, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static string[] ToolNames(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    [Fact]
    public async Task FilterAsync_Json_KeepsAllowedToolsAndEverythingElse()
    {
        var filtered = await FilterAsync("application/json; charset=utf-8", ToolsList);

        Assert.Equal(["lookup_order"], ToolNames(filtered));
        using var document = JsonDocument.Parse(filtered);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("id").GetInt32());
        Assert.Equal("c1", root.GetProperty("result").GetProperty("nextCursor").GetString());
        Assert.Equal(2, root.GetProperty("result").GetProperty("_meta").GetProperty("k")[1].GetInt32());
        Assert.Equal("object", root.GetProperty("result").GetProperty("tools")[0].GetProperty("inputSchema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task FilterAsync_JsonWithoutToolsList_IsUnchanged()
    {
        var error = """{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"nope"}}""";

        Assert.Equal(error, await FilterAsync("application/json", error));
    }

    [Fact]
    public async Task FilterAsync_UnreadableJson_BecomesInternalError()
    {
        var filtered = await FilterAsync("application/json", """{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"refund"}]},"result":{}}""");

        Assert.Equal(JsonRpcErrorCodes.InternalError, JsonDocument.Parse(filtered).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain("refund", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterAsync_MemberNameWithLoneSurrogate_BecomesInternalError()
    {
        var filtered = await FilterAsync("application/json", """{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"refund","x\ud800":1}]}}""");

        Assert.Equal(JsonRpcErrorCodes.InternalError, JsonDocument.Parse(filtered).RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task FilterAsync_JsonOverLimit_Throws()
    {
        var upstream = new MemoryStream(Encoding.UTF8.GetBytes(ToolsList));

        await Assert.ThrowsAsync<InvalidDataException>(() =>
            McpToolsListFilter.FilterAsync("application/json", upstream, OnlyLookup, 10, CancellationToken.None));
    }

    [Theory]
    [InlineData("\n", 0)]
    [InlineData("\r\n", 0)]
    [InlineData("\r", 0)]
    [InlineData("\r\n", 3)]
    [InlineData("\n", 1)]
    public async Task FilterAsync_Sse_RewritesOnlyTheToolsResponse(string eol, int chunk)
    {
        var progress = $": keep-alive{eol}event: message{eol}data: {{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{{\"progress\":1}}}}{eol}{eol}";
        var final = $"id: 9{eol}event: message{eol}data: {ToolsList}{eol}{eol}";

        var filtered = await FilterAsync("text/event-stream", progress + final, chunk: chunk);

        Assert.StartsWith(progress, filtered, StringComparison.Ordinal);
        var rest = filtered[progress.Length..];
        Assert.StartsWith("id: 9\nevent: message\ndata: ", rest, StringComparison.Ordinal);
        var data = rest["id: 9\nevent: message\ndata: ".Length..].TrimEnd('\r', '\n');
        Assert.Equal(["lookup_order"], ToolNames(data));
        Assert.DoesNotContain("refund", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterAsync_SseDataSplitOverLines_IsJoinedAndRewritten()
    {
        var json = ToolsList.Replace(",\"nextCursor\"", "\ndata: ,\"nextCursor\"", StringComparison.Ordinal);

        var filtered = await FilterAsync("text/event-stream", $"data: {json}\n\n");

        Assert.Equal(["lookup_order"], ToolNames(filtered["data: ".Length..]));
    }

    [Fact]
    public async Task FilterAsync_SseUnreadableData_IsDropped()
    {
        var filtered = await FilterAsync("text/event-stream", "data: {\"result\":{\"tools\":[{\"name\":\"refund\"}]},\"result\":1}\n\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n");

        Assert.Equal("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n", filtered);
    }

    [Fact]
    public async Task FilterAsync_SseEventsAreReleasedBeforeTheStreamEnds()
    {
        var gate = new GatedStream(Encoding.UTF8.GetBytes("data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n"));
        using var filtered = await McpToolsListFilter.FilterAsync("text/event-stream", gate, OnlyLookup, 1 << 20, CancellationToken.None);

        var buffer = new byte[256];
        var read = await filtered.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n", Encoding.UTF8.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task FilterAsync_SseEventOverLimit_Throws()
    {
        using var filtered = await McpToolsListFilter.FilterAsync("text/event-stream", new MemoryStream(new byte[100]), OnlyLookup, 10, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await filtered.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task FilterAsync_SseReadSynchronously_IsRewrittenTheSame()
    {
        using var filtered = await McpToolsListFilter.FilterAsync("text/event-stream", new MemoryStream(Encoding.UTF8.GetBytes($"data: {ToolsList}\n\n")), OnlyLookup, 1 << 20, CancellationToken.None);
        using var reader = new StreamReader(filtered, Encoding.UTF8);

        var text = reader.ReadToEnd();

        Assert.Equal(["lookup_order"], ToolNames(text["data: ".Length..]));
    }

    [Fact]
    public async Task FilterAsync_JsonBatchHoldingAToolsList_BecomesInternalErrorNotRelayedUnfiltered()
    {
        // The gateway forwards no batch (2025-06-18 removed them), so an array answer is never one it asked for; a client
        // that still reads batches (2025-03-26) would otherwise see every tool.
        var filtered = await FilterAsync("application/json", "[" + ToolsList + "]");

        Assert.Equal(JsonRpcErrorCodes.InternalError, JsonDocument.Parse(filtered).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain("refund", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterAsync_SseBatchHoldingAToolsList_IsDropped()
    {
        var filtered = await FilterAsync("text/event-stream", $"data: [{ToolsList}]\n\ndata: {{\"jsonrpc\":\"2.0\",\"method\":\"n\"}}\n\n");

        Assert.Equal("data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n", filtered);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json-rpc")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task FilterAsync_AnswerOfAnotherContentTypeOrNone_IsDroppedNotRelayedUnfiltered(string? contentType) =>
        Assert.Equal(string.Empty, await FilterAsync(contentType, ToolsList));

    /// <summary>Delivers a body a few bytes per read, so events straddle read boundaries.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }

    /// <summary>Delivers one event, then never ends: like an SSE stream still open.</summary>
    private sealed class GatedStream(byte[] first) : MemoryStream(first)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return read;
        }
    }
}
