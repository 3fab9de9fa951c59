using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Http;

/// <summary>
/// RFC 9110 §9.1: the method token is case-sensitive, so <c>post</c> is not POST; routing compares methods ignoring
/// case and would answer it as POST. Before any endpoint runs, a request whose method is not one of the standard methods
/// spelt exactly is answered 501 (RFC 9110 §15.6.2) with a Problem, and nothing else happens. A standard method the
/// resource does not take goes on to routing, which answers its 405 with <c>Allow</c>. <c>OPTIONS *</c> asks about the
/// server rather than a resource (RFC 9110 §9.3.7), so routing, which knows only paths, is not asked: it is answered 200.
/// </summary>
public static class ImplementedMethods
{
    /// <summary>The check id of the 501.</summary>
    public const string NotImplementedCheck = "request.method_not_implemented";

    /// <summary>On the broker's and the console's own listeners; the egress proxy forwards methods, so it is branched off before.</summary>
    public static void UseImplementedMethods(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((http, next) => !IsStandard(http.Request.Method) ? NotImplementedAsync(http)
            : http.Request.Path.HasValue || !IsAsteriskForm(http) ? next(http)
            : ServerOptionsAsync(http));
    }

    /// <summary>
    /// The RFC 9110 §9.3 methods and PATCH (RFC 5789), spelt exactly. Kestrel hands these as the interned
    /// <see cref="HttpMethods"/> strings, so the reference comparisons answer them without reading a character.
    /// </summary>
    internal static bool IsStandard(string method) =>
        ReferenceEquals(method, HttpMethods.Post) || ReferenceEquals(method, HttpMethods.Get) || ReferenceEquals(method, HttpMethods.Head)
        || Exact(method, HttpMethods.Post) || Exact(method, HttpMethods.Get) || Exact(method, HttpMethods.Head)
        || Exact(method, HttpMethods.Put) || Exact(method, HttpMethods.Delete) || Exact(method, HttpMethods.Patch)
        || Exact(method, HttpMethods.Options) || Exact(method, HttpMethods.Trace) || Exact(method, HttpMethods.Connect);

    /// <summary>Kestrel takes the asterisk-form target only with OPTIONS and leaves the path empty for it; every other form has one.</summary>
    private static bool IsAsteriskForm(HttpContext http) => http.Features.Get<IHttpRequestFeature>()?.RawTarget == "*";

    private static bool Exact(string method, string standard) => string.Equals(method, standard, StringComparison.Ordinal);

    // RFC 9110 §9.3.7: a successful answer without content MUST carry Content-Length: 0. The broker has no optional
    // feature to announce for the whole server, so the answer is only that it is there.
    private static Task ServerOptionsAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static Task NotImplementedAsync(HttpContext http) =>
        ProblemChecks.Problem(
            NotImplementedCheck,
            "method not implemented",
            "the method is not one this server implements; methods are case-sensitive (RFC 9110 §9.1): send it in upper case, e.g. POST or GET; nothing was done",
            StatusCodes.Status501NotImplemented).ExecuteAsync(http);
}
