using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>Reads a request body up to a limit and puts it back, so the MCP server reads the same bytes the gate judged.</summary>
internal static class McpRequestBody
{
    /// <summary>The body, or null when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        if (await BoundedBody.ReadAsync(request.Body, maxBytes, request.HttpContext.RequestAborted) is not { } body)
        {
            return null;
        }

        // The MCP server reads Request.Body (or BodyReader, which follows a replaced Body).
        var replay = new MemoryStream(body, writable: false);
        request.HttpContext.Response.RegisterForDispose(replay);
        request.Body = replay;
        return body;
    }
}
