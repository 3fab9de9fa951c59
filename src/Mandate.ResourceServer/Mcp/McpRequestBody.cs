using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>Reads a request body up to a limit and puts it back, so the MCP server reads the same bytes the gate judged.</summary>
internal static class McpRequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        // The MCP server reads Request.Body (or BodyReader, which follows a replaced Body).
        request.Body = buffer;
        request.HttpContext.Response.RegisterForDispose(buffer);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static McpRequestRefusal TooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, MandateMcpErrorCodes.InvalidRequest, $"Invalid Request: the body exceeds {maxBytes} bytes");
}
