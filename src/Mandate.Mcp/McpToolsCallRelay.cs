namespace Mandate.Mcp;

/// <summary>How the answer to a <c>tools/call</c> is relayed when something must happen before the agent reads its result.</summary>
public static class McpToolsCallRelay
{
    /// <summary>
    /// The body to relay: an SSE answer is relayed live except its JSON-RPC response event, which waits until the
    /// body has ended and <paramref name="beforeResult"/> has run; any other body is relayed unchanged (a JSON answer
    /// is complete only when the relay ends, which the caller's own bookkeeping precedes).
    /// </summary>
    public static Stream HoldResult(string? contentType, Stream body, Func<CancellationToken, Task> beforeResult, int maxEventBytes) =>
        McpToolsListFilter.MediaType(contentType) == "text/event-stream" ? new SseResultHoldStream(body, beforeResult, maxEventBytes) : body;
}
