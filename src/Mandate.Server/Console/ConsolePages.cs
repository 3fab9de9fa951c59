using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Console;

/// <summary>The console's page frame (navigation, user, sign-out) and its error pages.</summary>
internal static class ConsolePages
{
    private static readonly (string Id, string Path, string Label)[] Navigation =
    [
        ("nav-runs", "/runs", "Runs"),
        ("nav-approvals", "/approvals", "Approvals"),
        ("nav-agents", "/agents", "Agents"),
        ("nav-revocations", "/revocations", "Revocations"),
        ("nav-audit", "/audit", "Audit"),
        ("nav-policy", "/policy", "Policy"),
    ];

    /// <summary>A full page for the signed-in user; <paramref name="head"/> adds to the document head (a refresh).</summary>
    public static IResult Page(HttpContext http, string title, Markup body, int statusCode = StatusCodes.Status200OK, Markup? head = null) =>
        Results.Content(Document(http, title, body, head).Value, "text/html; charset=utf-8", Encoding.UTF8, statusCode);

    public static Task ForbiddenAsync(HttpContext http, string detail) =>
        WriteAsync(http, StatusCodes.Status403Forbidden, "Forbidden", Markup.Of($"<p id=\"forbidden\">{detail}</p>"));

    public static Task ErrorAsync(HttpContext http, string title, string detail) =>
        WriteAsync(http, http.Response.StatusCode, title, Markup.Of($"<p id=\"error\">{detail}</p>"));

    /// <summary>An error page as a result: 400 for a bad form, 403 for a role that may not, 404, 409.</summary>
    public static IResult Error(HttpContext http, int statusCode, string title, string detail) =>
        Page(http, title, Markup.Of($"<p id=\"error\">{detail}</p>"), statusCode);

    private static async Task WriteAsync(HttpContext http, int statusCode, string title, Markup body)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Document(http, title, body, null).Value, http.RequestAborted);
    }

    private static Markup Document(HttpContext http, string title, Markup body, Markup? head)
    {
        var user = ConsoleUser.From(http.User);
        var nav = user?.Role >= ConsoleRole.Viewer
            ? Markup.Join(Navigation.Select(n => Markup.Of($"<a id=\"{n.Id}\" href=\"{n.Path}\">{n.Label}</a>")))
            : Markup.Empty;
        var who = user is null
            ? Markup.Empty
            : Markup.Of($"""
                <span class="user" id="user">{user.Name} · {user.Role.ToString().ToLowerInvariant()}</span>
                <form method="post" action="/signout" class="inline">{ConsoleForms.Token(http)}<button type="submit" id="signout">Sign out</button></form>
                """);
        return Markup.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Mandate</title>
            <link rel="stylesheet" href="{ConsoleStatic.StylesheetPath}">
            {head}
            </head>
            <body>
            <header><strong class="brand">Mandate</strong><nav>{nav}</nav>{who}</header>
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
    }
}
