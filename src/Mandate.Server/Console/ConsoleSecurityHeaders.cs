using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Console;

/// <summary>
/// Headers on every console response: a strict Content-Security-Policy (no inline script or style, forms only to
/// the console and the identity provider, never framed), no MIME sniffing, no referrer, no caching of pages, and HSTS when
/// people reach the console over https.
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
                if (http.Request.IsHttps)
                {
                    // OWASP ASVS 5.0 3.4.1: a year of HSTS. RFC 6797 §7.2: never over plain http (a browser ignores it there anyway).
                    headers.StrictTransportSecurity = "max-age=31536000";
                }

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
