namespace Mandate.Mcp;

/// <summary>
/// Keeps an MCP server's answer to a POST to what belongs to that POST. A JSON-RPC response carrying another request's
/// <c>id</c> is not relayed (JSON-RPC 2.0 §5: the response id MUST be the request's): a client's SDK matches responses by
/// id, so a hostile MCP server could otherwise answer the agent's concurrent <c>tools/list</c> on a <c>ping</c>'s stream,
/// past the filter that runs on the <c>tools/list</c> POST's own answer. Under 2026-07-28 the server's own JSON-RPC
/// requests are not relayed either (streamable HTTP §Receiving Messages: the server MUST NOT send independent JSON-RPC
/// requests; sampling, elicitation and roots travel inside an <c>InputRequiredResult</c>), so a hostile MCP server cannot
/// put the agent's model at its disposal through a revision whose clients never expect such a request.
/// </summary>
public static class McpAnswerFilter
{
    /// <summary>
    /// <paramref name="body"/> without its foreign messages: a <c>text/event-stream</c> loses each event holding one (each
    /// event bounded by <paramref name="maxBytes"/>); an <c>application/json</c> body holding one (read whole, bounded)
    /// becomes a JSON-RPC internal error for the POST's own id; any other answer is unchanged. <paramref name="requestIdJson"/>
    /// is the raw JSON of the POST's request id, null when the POST held a notification or a response;
    /// <paramref name="dropRequests"/> drops the MCP server's JSON-RPC requests too (2026-07-28).
    /// </summary>
    /// <exception cref="InvalidDataException">A JSON body or an SSE event is over <paramref name="maxBytes"/>.</exception>
    public static async Task<Stream> DropForeignAsync(
        string? contentType, Stream body, string? requestIdJson, bool dropRequests, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var foreign = new McpForeignMessages(requestIdJson, dropRequests);
        switch (McpToolsListFilter.MediaType(contentType))
        {
            case "text/event-stream":
                return new SseForeignMessageDropStream(body, foreign, maxBytes);
            case "application/json":
                var json = await BoundedBody.ReadAsync(body, maxBytes, cancellationToken)
                    ?? throw new InvalidDataException("the MCP server's answer exceeds the filter's limit");
                return new MemoryStream(foreign.In(json) ? ForeignError(requestIdJson) : json, writable: false);
            default:
                return body;
        }
    }

    private static byte[] ForeignError(string? requestIdJson) => JsonRpcErrorWriter.Write(requestIdJson, JsonRpcErrorCodes.InternalError,
        "Internal error: the MCP server answered with a message that does not belong to this request");
}
