using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Console;

/// <summary>
/// Signing in and out: the page shown when there is no identity provider, the one-time admin login (a
/// confirmation page, then a POST, so a link prefetcher cannot use the code up) and sign-out.
/// </summary>
internal static class LoginEndpoints
{
    public const string OneTimeAdminName = "local-admin (one-time login)";

    public static void MapConsoleLogin(this IEndpointRouteBuilder app)
    {
        app.MapGetAndHead(ConsoleAuthentication.SignInPath, SignInPage);
        app.MapGetAndHead(ConsoleLoginCodes.Path, ConfirmPage);
        app.MapPost(ConsoleLoginCodes.Path, SignInAsync);
        app.MapPost("/signout", (Delegate)SignOutAsync);
    }

    /// <summary>Where sign-out lands, and where visitors go when no identity provider is configured.</summary>
    private static IResult SignInPage(HttpContext http, MandateOptions options) =>
        ConsolePages.Page(http, "Sign in", options.Console.Oidc is { } oidc
            ? Markup.Of($"""<p>You are signed out.</p><p><a class="button" id="signin-link" href="/runs">Sign in with {oidc.Issuer.Host}</a></p>""")
            : Markup.Of($"""
                <p>This console has no identity provider configured (<code>console.oidc</code>).</p>
                <p>On the broker's machine, run <code>mandate console login</code> and open the link it prints.</p>
                """), StatusCodes.Status401Unauthorized);

    private static IResult ConfirmPage(HttpContext http, ConsoleLoginCodes codes, string? code)
    {
        if (codes.Refused || !codes.IsUsable(code))
        {
            return Unusable(http);
        }

        return ConsolePages.Page(http, "One-time admin login", Markup.Of($"""
            <div class="confirm">
            <p>Sign in as <strong>{OneTimeAdminName}</strong> with every console permission. The link works once and expires ten minutes after it was printed.</p>
            <form method="post" action="{ConsoleLoginCodes.Path}">{ConsoleForms.Token(http)}<input type="hidden" name="code" value="{code}"><button type="submit" id="confirm">Sign in</button></form>
            </div>
            """));
    }

    private static async Task<IResult> SignInAsync(HttpContext http, ConsoleLoginCodes codes, MandateOptions options, ConsoleSignInAudit audit)
    {
        if (await ConsoleForms.ReadAsync(http) is not { } form)
        {
            return ConsoleForms.Rejected(http);
        }

        string? code = form["code"];
        if (codes.Refused || !codes.TryUse(code))
        {
            return Unusable(http);
        }

        var user = new ConsoleUser(options.Issuer, "one-time:" + ConsoleLoginCodes.Label(code!), OneTimeAdminName, ConsoleRole.Admin);
        try
        {
            await audit.RecordAsync(user, ConsoleSignInAudit.ByOneTimeLink, http.RequestAborted);
        }
        catch (StoreUnavailableException)
        {
            // No session without its record; the code is spent, so a new link is needed.
            return ConsolePages.Error(http, StatusCodes.Status503ServiceUnavailable, "Sign-in not recorded",
                "the audit trail could not record this sign-in, so it did not happen; run mandate console login again once the store is back");
        }

        await SignInAnewAsync(http, user.ToPrincipal("one-time-login"));
        return Results.Redirect("/runs");
    }

    // This request's cookie handler read the session the browser presented and would sign in under that session's key
    // (OWASP session management: a new session at every sign-in). Signing out ends that session; the sign-in then gets a
    // handler of its own, which finds no session to reuse and starts a new one.
    private static async Task SignInAnewAsync(HttpContext http, System.Security.Claims.ClaimsPrincipal principal)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }

        await using var scope = http.RequestServices.CreateAsyncScope();
        var handlers = scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(http, CookieAuthenticationDefaults.AuthenticationScheme) is not IAuthenticationSignInHandler handler)
        {
            throw new InvalidOperationException("The console's cookie scheme is not registered; AddConsoleAuthentication registers it.");
        }

        await handler.SignInAsync(principal, null);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        if (await ConsoleForms.ReadAsync(http) is null)
        {
            return ConsoleForms.Rejected(http);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect(ConsoleAuthentication.SignInPath);
    }

    private static IResult Unusable(HttpContext http) =>
        ConsolePages.Error(http, StatusCodes.Status400BadRequest, "Login link not usable",
            "this login link was used already, has expired or is unknown; run mandate console login again");
}
