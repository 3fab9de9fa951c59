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

        var buffer = new MemoryStream();
        request.HttpContext.Response.RegisterForDispose(buffer);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        // The MCP server reads Request.Body (or BodyReader, which follows a replaced Body).
        request.Body = buffer;
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
