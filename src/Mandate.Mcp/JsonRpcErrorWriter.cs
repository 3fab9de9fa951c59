using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mandate.Mcp;

/// <summary>
/// Writes JSON-RPC 2.0 error responses (§5.1) in MCP's shape: <c>{"jsonrpc":"2.0","id":…,"error":{"code","message","data"?}}</c>,
/// without <c>id</c> when the request's could not be read. MCP's schema (2025-11-25 on) makes the error's <c>id</c>
/// optional and never null, where plain JSON-RPC would write <c>"id": null</c>; the official TypeScript SDK's message
/// schema refuses a null id.
/// </summary>
public static class JsonRpcErrorWriter
{
    /// <summary>The media type of the error body.</summary>
    public const string ContentType = "application/json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The error body for <paramref name="error"/>: its own <c>data</c> members, then <paramref name="data"/>'s.</summary>
    public static byte[] Write(McpWireError error, JsonObject? data = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Data is { Count: > 0 } own)
        {
            var merged = new JsonObject();
            foreach (var (name, value) in own.Concat(data ?? []))
            {
                merged[name] = value?.DeepClone();
            }

            data = merged;
        }

        return Write(error.IdJson, error.Code, error.Message, data);
    }

    /// <summary>
    /// An error body. <paramref name="idJson"/> is the raw JSON of the request id, or null when it could not be read
    /// (the body then has no <c>id</c>).
    /// </summary>
    public static byte[] Write(string? idJson, int code, string message, JsonObject? data = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            if (idJson is not null)
            {
                writer.WritePropertyName("id");
                writer.WriteRawValue(idJson, skipInputValidation: false);
            }

            writer.WriteStartObject("error");
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            if (data is not null)
            {
                writer.WritePropertyName("data");
                data.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
