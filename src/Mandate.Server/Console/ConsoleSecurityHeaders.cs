using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Console;

/// <summary>
/// Headers on every console response: a strict Content-Security-Policy (no inline script or style, forms only to
/// the console and the identity provider, never framed), no MIME sniffing, no referrer, and no caching of pages.
/// </summary>
internal static class ConsoleSecurityHeaders
{
    public static string ContentSecurityPolicy(Uri? issuer) =>
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        + $"form-action 'self'{(issuer is null ? "" : " " + issuer.GetLeftPart(UriPartial.Authority))}; "
        + "frame-ancestors 'none'; base-uri 'none'";

    public static void UseConsoleSecurityHeaders(this IApplicationBuilder app, Uri? issuer)
    {
        var policy = ContentSecurityPolicy(issuer);
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                if (!http.Request.Path.StartsWithSegments(ConsoleStatic.Prefix, StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
            return next(http);
        });
    }
}
