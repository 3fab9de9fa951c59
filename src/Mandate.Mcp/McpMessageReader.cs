using System.Text.Json;
using System.Text.Unicode;

namespace Mandate.Mcp;

/// <summary>
/// Reads one posted JSON-RPC message (streamable HTTP §Sending Messages: the body MUST be a single request or
/// notification). Duplicate member names are refused so that the gateway and the MCP server can never read
/// different methods, names or arguments from the same bytes.
/// </summary>
public static class McpMessageReader
{
    /// <summary>The longest tool name a <c>tools/call</c> may carry (MCP 2025-11-25 §Tool names).</summary>
    public const int MaxToolNameLength = 128;

    private const string ProtocolVersionMeta = "io.modelcontextprotocol/protocolVersion";

    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 64,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Reads <paramref name="body"/> (already bounded by the caller); returns the message or the error to answer with.</summary>
    public static McpMessage Read(ReadOnlyMemory<byte> body, out McpWireError? error)
    {
        error = null;
        if (!Utf8.IsValid(body.Span))
        {
            // JSON text is UTF-8 (RFC 8259 §8.1); the parser checks string contents only when they are read.
            error = McpWireError.Parse("Parse error: the body is not UTF-8");
            return Empty;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: the duplicate-name check meets a name escaping a lone surrogate.
            // The parser's message may quote the body; answer with a fixed text.
            error = McpWireError.Parse("Parse error: the body is not a single valid JSON document (duplicate member names are refused)");
            return Empty;
        }

        using (document)
        {
            try
            {
                var message = ReadRoot(document.RootElement, out error);
                return error is null ? message : Empty;
            }
            catch (InvalidOperationException)
            {
                // A string escaping a lone surrogate ("\ud800") parses but cannot be read as text.
                error = McpWireError.Parse("Parse error: the body contains a string that is not valid Unicode");
                return Empty;
            }
        }
    }

    private static readonly McpMessage Empty = new() { Kind = McpMessageKind.Notification, Arguments = EmptyObject };

    private static McpMessage ReadRoot(JsonElement root, out McpWireError? error)
    {
        error = null;
        if (root.ValueKind == JsonValueKind.Array)
        {
            error = McpWireError.Invalid("Invalid Request: JSON-RPC batches are not supported (removed from MCP in 2025-06-18); send one message per POST");
            return Empty;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = McpWireError.Invalid("Invalid Request: the body must be a JSON-RPC object");
            return Empty;
        }

        var idJson = ReadId(root, out var idError);
        if (idError is not null)
        {
            error = McpWireError.Invalid(idError);
            return Empty;
        }

        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String ||
            version.GetString() != "2.0")
        {
            error = McpWireError.Invalid("Invalid Request: jsonrpc must be \"2.0\"", idJson);
            return Empty;
        }

        if (!root.TryGetProperty("method", out var method))
        {
            return ReadResponse(root, idJson, out error);
        }

        // JSON-RPC 2.0 §4-5: a request has a method, a response a result or an error, never both. Read as one, such a
        // message could be the other to the server behind.
        if (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _))
        {
            error = McpWireError.Invalid("Invalid Request: a message with a method is a request and must not carry result or error", idJson);
            return Empty;
        }

        if (method.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(method.GetString()))
        {
            error = McpWireError.Invalid("Invalid Request: method must be a non-empty string", idJson);
            return Empty;
        }

        return ReadCall(root, method.GetString()!, idJson, out error);
    }

    private static string? ReadId(JsonElement root, out string? error)
    {
        error = null;
        if (!root.TryGetProperty("id", out var id))
        {
            return null;
        }

        // MCP basic §Requests: the id MUST be a string or integer and MUST NOT be null. An integer spelled with an
        // exponent or a fraction (1e2, 100.0) is refused too: the C# MCP SDK behind cannot read it as an id.
        if (id.ValueKind == JsonValueKind.String || (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _)))
        {
            return id.GetRawText();
        }

        error = "Invalid Request: id must be a string or an integer written without a fraction or exponent (100, not 1e2)";
        return null;
    }

    private static McpMessage ReadResponse(JsonElement root, string? idJson, out McpWireError? error)
    {
        error = null;
        var hasResult = root.TryGetProperty("result", out _);
        var hasError = root.TryGetProperty("error", out _);
        if (idJson is null || hasResult == hasError)
        {
            error = McpWireError.Invalid("Invalid Request: a message needs a method, or an id with exactly one of result and error", idJson);
            return Empty;
        }

        return new McpMessage { Kind = McpMessageKind.Response, IdJson = idJson, Arguments = EmptyObject };
    }

    private static McpMessage ReadCall(JsonElement root, string method, string? idJson, out McpWireError? error)
    {
        error = null;
        JsonElement parameters = default;
        var hasParams = root.TryGetProperty("params", out parameters);
        if (hasParams && parameters.ValueKind != JsonValueKind.Object)
        {
            error = McpWireError.Invalid("Invalid Request: params must be an object", idJson);
            return Empty;
        }

        if (idJson is null && McpMethods.RequiresNameHeader(method))
        {
            // A notification is never answered, so a server could act on it unseen; these methods are requests only.
            error = McpWireError.Invalid($"Invalid Request: {method} must be a request with an id");
            return Empty;
        }

        var name = hasParams ? ReadName(parameters, method, idJson, out error) : null;
        if (error is not null)
        {
            return Empty;
        }

        if (method == McpMethods.ToolsCall && name is { Length: 0 or > MaxToolNameLength })
        {
            // MCP 2025-11-25 §Tool names: 1 to 128 characters. Longer ones would only grow refusals and audit records.
            error = McpWireError.InvalidParams($"Invalid params: params.name must be 1 to {MaxToolNameLength} characters", idJson);
            return Empty;
        }

        if (name is null && McpMethods.RequiresNameHeader(method))
        {
            error = McpWireError.InvalidParams($"Invalid params: {method} needs params.{(method == McpMethods.ResourcesRead ? "uri" : "name")} as a string", idJson);
            return Empty;
        }

        var arguments = EmptyObject;
        if (hasParams && parameters.TryGetProperty("arguments", out var args) && args.ValueKind != JsonValueKind.Null)
        {
            if (args.ValueKind != JsonValueKind.Object)
            {
                error = McpWireError.InvalidParams("Invalid params: params.arguments must be an object", idJson);
                return Empty;
            }

            arguments = args.Clone();
        }

        return new McpMessage
        {
            Kind = idJson is null ? McpMessageKind.Notification : McpMessageKind.Request,
            Method = method,
            IdJson = idJson,
            Name = name,
            Arguments = arguments,
            BodyProtocolVersion = hasParams ? ReadMetaVersion(parameters) : null,
        };
    }

    // streamable HTTP §Standard Request Headers: Mcp-Name mirrors params.uri for resources/read and params.name for
    // tools/call and prompts/get; for other methods whichever of the two the body carries.
    private static string? ReadName(JsonElement parameters, string method, string? idJson, out McpWireError? error)
    {
        error = null;
        string[] members = method switch
        {
            McpMethods.ResourcesRead => ["uri"],
            McpMethods.ToolsCall or McpMethods.PromptsGet => ["name"],
            _ => ["name", "uri"],
        };
        foreach (var member in members)
        {
            if (!parameters.TryGetProperty(member, out var value))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            if (McpMethods.RequiresNameHeader(method))
            {
                error = McpWireError.InvalidParams($"Invalid params: params.{member} must be a string", idJson);
            }

            return null;
        }

        return null;
    }

    private static string? ReadMetaVersion(JsonElement parameters) =>
        parameters.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object &&
        meta.TryGetProperty(ProtocolVersionMeta, out var version) && version.ValueKind == JsonValueKind.String
            ? version.GetString()
            : null;
}
