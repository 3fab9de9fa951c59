using Microsoft.AspNetCore.Builder;
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
}
