using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Mandate.Mcp;

/// <summary>
/// Rewrites one JSON-RPC message: when it is a response whose <c>result.tools</c> is an array, only the tools whose
/// name passes the predicate stay; every other member is written back unchanged in meaning. A tool without a string
/// <c>name</c> is dropped (it cannot be decided, so it is not shown), and a batch is unreadable.
/// </summary>
internal static class ToolsListRewriter
{
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 128, AllowDuplicateProperties = false };
    private static readonly JsonWriterOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The rewritten message; null when <paramref name="json"/> holds no tools list (relay it as it is).</summary>
    /// <exception cref="JsonException">The message is not valid JSON.</exception>
    public static byte[]? Rewrite(ReadOnlyMemory<byte> json, Func<string, bool> mayList)
    {
        if (!Utf8.IsValid(json.Span))
        {
            throw new JsonException("the message is not UTF-8");
        }

        using var document = Parse(json);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            // Streamable HTTP 2025-06-18 removed batches and the gateway forwards none, so no batch answers it; a client
            // still reading 2025-03-26 batches would see an unfiltered list inside one.
            throw new JsonException("the message is a JSON-RPC batch, which no request the gateway forwarded can be answered with");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out var result) ||
            result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("tools", out var tools) ||
            tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        using var buffer = new MemoryStream(json.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriteOptions))
        {
            writer.WriteStartObject();
            foreach (var member in root.EnumerateObject())
            {
                if (member.NameEquals("result"))
                {
                    writer.WritePropertyName(member.Name);
                    WriteResult(writer, result, mayList);
                }
                else
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json, ReadOptions);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-name check met a member name escaping a lone surrogate.
            throw new JsonException("the message has a member name that is not Unicode text", e);
        }
    }

    private static void WriteResult(Utf8JsonWriter writer, JsonElement result, Func<string, bool> mayList)
    {
        writer.WriteStartObject();
        foreach (var member in result.EnumerateObject())
        {
            if (!member.NameEquals("tools"))
            {
                member.WriteTo(writer);
                continue;
            }

            writer.WriteStartArray(member.Name);
            foreach (var tool in member.Value.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name", out var name) &&
                    name.ValueKind == JsonValueKind.String && TryGetString(name) is { } text && mayList(text))
                {
                    tool.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>The name's text, or null when it escapes a lone surrogate (such a tool is dropped, not shown).</summary>
    private static string? TryGetString(JsonElement name)
    {
        try
        {
            return name.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
