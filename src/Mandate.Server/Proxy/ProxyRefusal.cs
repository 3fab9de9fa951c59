using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy;

/// <summary>
/// Why the proxy did not forward (or could not complete) a call: an HTTP status, a short title and a
/// detail that names the rule or check and how to fix it. Never contains a token or secret.
/// </summary>
internal sealed record ProxyRefusal(int Status, string Title, string Detail, string? Error = null)
{
    public static ProxyRefusal BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "malformed proxied request", detail, "invalid_request");

    /// <summary>RFC 6750 §3.1 invalid_token: missing, bad, expired, revoked or for another audience.</summary>
    public static ProxyRefusal InvalidToken(string detail) => new(StatusCodes.Status401Unauthorized, "credential refused", detail, "invalid_token");

    public static ProxyRefusal Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "call not allowed", detail, "insufficient_scope");

    public static ProxyRefusal NotFound(string detail) => new(StatusCodes.Status404NotFound, "unknown tool", detail);

    public static ProxyRefusal TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "request body too large", detail);

    public static ProxyRefusal Unavailable(string detail) => new(StatusCodes.Status503ServiceUnavailable, "proxy unavailable", detail);

    public static ProxyRefusal BadGateway(string detail) => new(StatusCodes.Status502BadGateway, "upstream failed", detail);

    public static ProxyRefusal GatewayTimeout(string detail) => new(StatusCodes.Status504GatewayTimeout, "upstream timed out", detail);
}
