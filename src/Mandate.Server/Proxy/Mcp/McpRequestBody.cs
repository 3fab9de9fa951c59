using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// Reads the posted JSON-RPC message whole, never more than <c>proxy.max_request_body</c> bytes and never for longer
/// than <c>proxy.timeout</c> (on the broker's clock): a client trickling its body must not hold the gateway open.
/// </summary>
internal static class McpRequestBody
{
    public static async Task<(byte[]? Body, ProxyRefusal? Refusal)> ReadAsync(HttpRequest request, long maxBytes, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await BoundedBody.ReadAsync(request.Body, maxBytes, linked.Token) is { } body
                ? (body, null)
                : (null, ProxyRefusal.TooLarge($"the body exceeds proxy.max_request_body ({maxBytes} bytes); nothing was forwarded"));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // RFC 9110 §15.5.9: the request did not arrive complete within the time the gateway waits.
            return (null, new ProxyRefusal(StatusCodes.Status408RequestTimeout, "request timeout", $"the JSON-RPC message did not arrive whole within proxy.timeout ({timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s); nothing was forwarded; send the body at once") { CheckId = ProxyChecks.BodyTimeout });
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ProxyRefusal.TooLarge("the body exceeds proxy.max_request_body; nothing was forwarded")
                : ProxyRefusal.BadRequest(ProxyChecks.BodyMalformed, "the request body could not be read (framing); nothing was forwarded"));
        }
    }
}
