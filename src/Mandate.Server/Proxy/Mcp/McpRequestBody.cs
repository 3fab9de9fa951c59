using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>Reads the posted JSON-RPC message whole, never more than <c>proxy.max_request_body</c> bytes.</summary>
internal static class McpRequestBody
{
    public static async Task<(byte[]? Body, ProxyRefusal? Refusal)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await BoundedBody.ReadAsync(request.Body, maxBytes, cancellationToken) is { } body
                ? (body, null)
                : (null, ProxyRefusal.TooLarge($"the body exceeds proxy.max_request_body ({maxBytes} bytes); nothing was forwarded"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ProxyRefusal.TooLarge("the body exceeds proxy.max_request_body; nothing was forwarded")
                : ProxyRefusal.BadRequest(ProxyChecks.BodyMalformed, "the request body could not be read (framing); nothing was forwarded"));
        }
    }
}
