using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>The console's one stylesheet, embedded in the assembly and served same-origin (the CSP allows nothing else).</summary>
internal static class ConsoleStatic
{
    public const string Prefix = "/static";
    public const string StylesheetPath = Prefix + "/console.css";

    private static readonly Lazy<byte[]> Stylesheet = new(() =>
    {
        using var stream = typeof(ConsoleStatic).Assembly.GetManifestResourceStream("Mandate.Server.Console.console.css")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static void MapConsoleStatic(this IEndpointRouteBuilder app) =>
        app.MapGetAndHead(StylesheetPath, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");
        });
}
