using System.Text.Json;

namespace Mandate.ResourceServer;

/// <summary>
/// What the gate needs of one JSON-RPC message: its method, its id (raw JSON, echoed in refusals) and the name it
/// targets (<c>params.name</c> of <c>tools/call</c>/<c>prompts/get</c>, <c>params.uri</c> of <c>resources/read</c>).
/// </summary>
internal sealed record McpRequestMessage(string? Method, string? RawId, string? Name)
{
    public const string ToolsCall = "tools/call";

    /// <summary>Parses a request body already read into memory; a refusal when it is not one JSON-RPC message the gate can judge.</summary>
    public static McpRequestMessage Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            // A repeated member would let the gate read one tool name and the MCP server run another: refuse it.
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            throw new McpRequestRefusal(400, MandateMcpErrorCodes.ParseError, "Parse error: the body is not well-formed UTF-8 JSON, or repeats a member");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                // MCP has no JSON-RPC batches since 2025-06-18; an array would smuggle calls past a per-message check.
                throw new McpRequestRefusal(400, MandateMcpErrorCodes.InvalidRequest, "Invalid Request: the body must be one JSON-RPC message object");
            }

            var rawId = root.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number ? id.GetRawText() : null;
            string? method = null;
            if (root.TryGetProperty("method", out var m))
            {
                method = m.ValueKind == JsonValueKind.String ? m.GetString()
                    : throw new McpRequestRefusal(400, MandateMcpErrorCodes.InvalidRequest, "Invalid Request: method must be a string", rawId);
            }

            return new McpRequestMessage(method, rawId, TargetName(root, method, rawId));
        }
    }

    private static string? TargetName(JsonElement root, string? method, string? rawId)
    {
        var member = method switch
        {
            ToolsCall or "prompts/get" => "name",
            "resources/read" => "uri",
            _ => null,
        };
        if (member is null)
        {
            return null;
        }

        if (root.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty(member, out var name) && name.ValueKind == JsonValueKind.String)
        {
            return name.GetString();
        }

        if (method == ToolsCall)
        {
            throw new McpRequestRefusal(400, MandateMcpErrorCodes.InvalidParams, "Invalid params: tools/call needs params.name, the tool's name as a string", rawId);
        }

        return null;
    }
}
