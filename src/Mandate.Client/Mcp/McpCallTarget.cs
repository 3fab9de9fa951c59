using System.Text;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// Which MCP tool a request calls: from <c>Mcp-Method</c>/<c>Mcp-Name</c> (MCP 2026-07-28, Base64 sentinel decoded),
/// else from the JSON-RPC body that older clients send without those headers. Null when it calls no tool.
/// </summary>
internal static class McpCallTarget
{
    private const string ToolsCall = "tools/call";
    private const string Prefix = "=?base64?";
    private const string Suffix = "?=";

    public static async Task<string?> ToolAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("Mcp-Method", out var methods))
        {
            if (methods.FirstOrDefault()?.Trim() != ToolsCall)
            {
                return null;
            }

            if (request.Headers.TryGetValues("Mcp-Name", out var names) && names.FirstOrDefault() is { } name)
            {
                return Decode(name.Trim());
            }
        }

        return request.Content is null ? null : ReadBody(await request.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    private static string? ReadBody(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String && method.GetString() == ToolsCall
                && root.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (JsonException)
        {
            // Not JSON-RPC: no tool, the base scopes; the server answers the malformed body.
            return null;
        }
    }

    private static string? Decode(string value)
    {
        if (!value.StartsWith(Prefix, StringComparison.Ordinal) || !value.EndsWith(Suffix, StringComparison.Ordinal) || value.Length < Prefix.Length + Suffix.Length)
        {
            return value;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(value[Prefix.Length..^Suffix.Length]));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
