namespace Mandate.Mcp;

/// <summary>
/// Keeps server-initiated JSON-RPC requests out of an answer under 2026-07-28 (streamable HTTP §Receiving Messages: the
/// server MUST NOT send independent JSON-RPC requests on a POST's SSE stream; sampling, elicitation and roots travel
/// inside an <c>InputRequiredResult</c>). An intermediary relaying a hostile MCP server would otherwise put the agent's
/// model at that server's disposal through a revision whose clients never expect such a request.
/// </summary>
public static class McpServerRequestFilter
{
    /// <summary>
    /// <paramref name="body"/> without the request events of a <c>text/event-stream</c>, each event bounded by
    /// <paramref name="maxEventBytes"/>; any other answer unchanged.
    /// </summary>
    public static Stream DropRequests(string? contentType, Stream body, int maxEventBytes)
    {
        ArgumentNullException.ThrowIfNull(body);
        return McpToolsListFilter.MediaType(contentType) == "text/event-stream" ? new SseServerRequestDropStream(body, maxEventBytes) : body;
    }
}
