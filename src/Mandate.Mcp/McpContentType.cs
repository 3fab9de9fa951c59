using System.Net.Http.Headers;

namespace Mandate.Mcp;

/// <summary>
/// The media type of a posted message: <c>application/json</c> (streamable HTTP) in UTF-8, the only encoding a JSON
/// text exchanged between systems may use (RFC 8259 §8.1). Checked before the body is read, so the gate, the gateway
/// and the MCP server behind them never read the same bytes as different text, and a message they cannot decode is a
/// 415 instead of the server's exception.
/// </summary>
public static class McpContentType
{
    /// <summary>How an accepted message's type is passed on: one spelling every MCP server reads.</summary>
    public const string Json = "application/json";

    /// <summary>Null when <paramref name="contentType"/> is acceptable; otherwise the refusal (HTTP 415).</summary>
    public static McpWireError? Check(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return Unsupported("Content-Type is missing; send application/json");
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Unsupported($"Content-Type must be application/json, not '{McpText.Shown(contentType)}'");
        }

        // A quoted value is the same value (RFC 9110 §5.6.6): charset="UTF-8" is UTF-8.
        var charset = media.Parameters.LastOrDefault(p => string.Equals(p.Name, "charset", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
        return charset is null || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
            ? null
            : Unsupported($"charset must be utf-8 (RFC 8259 §8.1), not '{McpText.Shown(charset)}'");
    }

    private static McpWireError Unsupported(string message) =>
        new(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: " + message, 415);
}
