using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Http;

/// <summary>
/// Public documents and console pages answer HEAD as they answer GET (RFC 9110 §9.1: a general-purpose server MUST support both): the
/// same status and headers; Kestrel sends no body for a HEAD response.
/// </summary>
internal static class GetEndpoints
{
    private static readonly string[] GetAndHead = ["GET", "HEAD"];

    public static RouteHandlerBuilder MapGetAndHead(this IEndpointRouteBuilder app, string pattern, Delegate handler) =>
        app.MapMethods(pattern, GetAndHead, handler);

    /// <summary>
    /// A public document (discovery metadata, a key set, a trust bundle), readable from any web origin: it is read without
    /// credentials and holds nothing secret, and browser-based clients (an MCP client in a web page) discover through it.
    /// </summary>
    public static RouteHandlerBuilder MapPublicDocument(this IEndpointRouteBuilder app, string pattern, Delegate handler) =>
        app.MapGetAndHead(pattern, handler).AddEndpointFilter((context, next) =>
        {
            AllowAnyOrigin(context.HttpContext.Response);
            return next(context);
        });

    /// <summary>Fetch §3.2.3: <c>*</c> lets any origin read the response, never with cookies or credentials.</summary>
    public static void AllowAnyOrigin(HttpResponse response) => response.Headers.AccessControlAllowOrigin = "*";
}
