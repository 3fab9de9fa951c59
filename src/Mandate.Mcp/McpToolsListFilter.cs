using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Filters the answer to a <c>tools/list</c> request to the tools a predicate allows, in either shape the transport
/// permits: one <c>application/json</c> object (read whole, bounded) or a <c>text/event-stream</c> (rewritten event by
/// event, unbuffered). The body of any other content type, or of none, is dropped: a client that reads JSON whatever
/// the type says would otherwise see the whole list (fail closed).
/// </summary>
public static class McpToolsListFilter
{
    /// <summary>
    /// The body to relay instead of <paramref name="body"/>. <paramref name="maxBytes"/> bounds a JSON body and each
    /// SSE event; beyond it the read fails with <see cref="InvalidDataException"/> rather than relay an unfiltered list.
    /// A JSON body that cannot be parsed becomes a JSON-RPC internal error (fail closed).
    /// </summary>
    public static async Task<Stream> FilterAsync(
        string? contentType, Stream body, Func<string, bool> mayList, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        switch (MediaType(contentType))
        {
            case "application/json":
                var json = await BoundedBody.ReadAsync(body, maxBytes, cancellationToken)
                    ?? throw new InvalidDataException("the tools/list answer exceeds the filter's limit");
                return new MemoryStream(FilterJson(json, mayList), writable: false);
            case "text/event-stream":
                return new SseToolsListFilterStream(body, mayList, maxBytes);
            default:
                return new MemoryStream([], writable: false);
        }
    }

    /// <summary>Filters one JSON-RPC response held in memory.</summary>
    public static byte[] FilterJson(ReadOnlyMemory<byte> json, Func<string, bool> mayList)
    {
        try
        {
            return ToolsListRewriter.Rewrite(json, mayList) ?? json.ToArray();
        }
        catch (JsonException)
        {
            return JsonRpcErrorWriter.Write(null, JsonRpcErrorCodes.InternalError, "Internal error: the MCP server's tools/list answer could not be read");
        }
    }

    internal static string MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return string.Empty;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }
}
