using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>A JSON-RPC 2.0 error response (id echoed when the request had one), the body MCP clients read on a refusal.</summary>
internal static class McpJsonRpcError
{
    public static async Task WriteAsync(HttpContext http, int status, string? rawId, int code, string message, Action<Utf8JsonWriter>? data = null)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        if (rawId is null)
        {
            writer.WriteNull("id");
        }
        else
        {
            // Parsed from the request as a JSON string or number, so it is valid JSON to write back verbatim.
            writer.WritePropertyName("id");
            writer.WriteRawValue(rawId, skipInputValidation: true);
        }

        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        if (data is not null)
        {
            writer.WriteStartObject("data");
            data(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }
}
