using System.Text.Json.Nodes;

namespace Mandate.Mcp;

/// <summary>
/// Why a posted message was refused before anything was forwarded: the JSON-RPC code and message, the HTTP status
/// the transport requires, and the request id when it could be read.
/// </summary>
public sealed record McpWireError(int Code, string Message, int HttpStatus, string? IdJson = null)
{
    /// <summary>The error's <c>data</c> members, when the code defines some; written with any the host adds.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Data { get; init; }

    /// <summary>The body is not JSON (JSON-RPC -32700, HTTP 400).</summary>
    public static McpWireError Parse(string message) => new(JsonRpcErrorCodes.ParseError, message, 400);

    /// <summary>JSON that is not an acceptable message (JSON-RPC -32600, HTTP 400).</summary>
    public static McpWireError Invalid(string message, string? idJson = null) =>
        new(JsonRpcErrorCodes.InvalidRequest, message, 400, idJson);

    /// <summary>A request whose method's parameters are wrong (JSON-RPC -32602, HTTP 400).</summary>
    public static McpWireError InvalidParams(string message, string? idJson) =>
        new(JsonRpcErrorCodes.InvalidParams, message, 400, idJson);

    /// <summary>Headers missing, malformed or disagreeing with the body (MCP -32020, HTTP 400).</summary>
    public static McpWireError HeaderMismatch(string message, string? idJson = null) =>
        new(JsonRpcErrorCodes.HeaderMismatch, "Header mismatch: " + message, 400, idJson);

    /// <summary>
    /// A protocol version this server does not support (MCP -32022, HTTP 400; streamable HTTP §Protocol Version
    /// Header: an invalid or unsupported version MUST be answered with 400). Names the supported ones.
    /// </summary>
    public static McpWireError UnsupportedVersion(string requested, string? idJson = null)
    {
        var supported = string.Join(", ", McpProtocolVersions.Supported);
        return new McpWireError(JsonRpcErrorCodes.UnsupportedProtocolVersion,
            $"Unsupported protocol version: '{McpText.Shown(requested)}' is not supported; supported versions are {supported}", 400, idJson)
        {
            Data = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["supported"] = new JsonArray([.. McpProtocolVersions.Supported.Select(v => JsonValue.Create(v))]),
                ["requested"] = McpText.Shown(requested),
            },
        };
    }
}
