using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Mandate.Server.Console;

/// <summary>
/// Console sign-in: a session cookie, and OpenID Connect (authorization code + PKCE) against the configured
/// provider. The provider's tokens are read once at the callback and dropped; the cookie holds only who the
/// user is and their role (<see cref="ConsoleUser"/>).
/// </summary>
internal static class ConsoleAuthentication
{
    public const string SessionCookie = "mandate-console";
    public const string CallbackPath = "/signin-oidc";
    public const string SignInPath = "/signin";
    public const string ViewerPolicy = "console-viewer";

    public static void AddConsoleAuthentication(this IServiceCollection services, ConsoleOptions console, bool https, Func<string, string?> environment, TimeProvider time)
    {
        var oidc = console.Oidc;
        var auth = services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.DefaultChallengeScheme = oidc is null ? CookieAuthenticationDefaults.AuthenticationScheme : OpenIdConnectDefaults.AuthenticationScheme;
        });
        auth.AddCookie(o =>
        {
            HostCookie(o.Cookie, SessionCookie, SameSiteMode.Lax, https);
            o.ExpireTimeSpan = console.IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = SignInPath;
            o.TimeProvider = time;
            o.SessionStore = new ConsoleSessionStore(time, console.SessionMax);
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return ConsolePages.ForbiddenAsync(context.HttpContext, "your account has no console role; ask an administrator to add you to a viewer, approver or admin group");
            };
        });
        if (oidc is not null)
        {
            // Read now, so a missing secret fails start-up rather than the first sign-in.
            var secret = oidc.ClientSecret?.Read(environment, out _);
            auth.AddOpenIdConnect(o => Configure(o, oidc, secret, https));
        }

        services.AddAuthorization(o => o.AddPolicy(ViewerPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => ConsoleUser.From(c.User)?.Role >= ConsoleRole.Viewer)));
    }

    private static void Configure(OpenIdConnectOptions o, ConsoleOidcOptions oidc, string? secret, bool https)
    {
        o.Authority = oidc.Issuer.ToString();
        o.ClientId = oidc.ClientId;
        o.ClientSecret = secret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        // The callback is a top-level GET, so the correlation and nonce cookies can stay SameSite=Lax.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.SaveTokens = false;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        // The default claim actions would delete the "iss" claim that OnTicketReceived reads.
        o.ClaimActions.Clear();
        o.RequireHttpsMetadata = !oidc.IsLoopbackIssuer;
        o.CallbackPath = CallbackPath;
        // RFC 9110 §9.2.1: GET is safe. The handler would otherwise end the session at any GET of /signout-oidc naming the
        // issuer (front-channel logout, which the console does not offer), so a link on another site could sign users out;
        // signing out is the console's own POST, and it never sends anyone to the provider's end-session endpoint.
        o.RemoteSignOutPath = PathString.Empty;
        o.SignedOutCallbackPath = PathString.Empty;
        o.Scope.Clear();
        foreach (var scope in oidc.Scopes)
        {
            o.Scope.Add(scope);
        }

        HostCookie(o.CorrelationCookie, "mandate-correlation.", SameSiteMode.Lax, https);
        HostCookie(o.NonceCookie, "mandate-nonce.", SameSiteMode.Lax, https);
        o.Events.OnRedirectToIdentityProvider = ConsoleOidcChecks.CheckProviderAndRedirectUriAsync;
        o.Events.OnMessageReceived = ConsoleOidcChecks.RequireProviderIssuerAsync;
        o.Events.OnTokenValidated = ConsoleOidcChecks.CheckIdToken;
        // Only once the handler has checked everything (nonce, sub, azp come after OnTokenValidated): a refused answer is no sign-in.
        o.Events.OnTicketReceived = async context =>
        {
            // Keep who the user is and their role; the ID token and every other claim stay out of the cookie.
            var principal = context.Principal!;
            var subject = principal.FindFirst(ConsoleUser.SubjectClaim)?.Value ?? "";
            var name = principal.FindFirst("name")?.Value ?? principal.FindFirst("preferred_username")?.Value ?? principal.FindFirst("email")?.Value ?? subject;
            var issuer = principal.FindFirst(ConsoleUser.IssuerClaim)?.Value ?? oidc.Issuer.ToString();
            var user = new ConsoleUser(issuer, subject, name, ConsoleUser.RoleFrom(principal, oidc));
            // The user is the actor the audit trail keeps for their sign-in and changes, under the rule for actors (refused, never
            // cut): a display name with a line break, a bidirectional override or a token in it starts no session and records nothing.
            if (OperatorText.ActorProblem("the console user", user.Actor) is { } problem)
            {
                context.HandleResponse();
                await SignInFailedAsync(context.HttpContext, $"the name, issuer and subject the identity provider gave cannot be recorded: {problem}; ask its administrator to correct the name");
                return;
            }

            try
            {
                await context.HttpContext.RequestServices.GetRequiredService<ConsoleSignInAudit>().RecordAsync(user, ConsoleSignInAudit.ByIdentityProvider, context.HttpContext.RequestAborted);
            }
            catch (StoreUnavailableException)
            {
                // No session without its record.
                context.HandleResponse();
                await SignInFailedAsync(context.HttpContext);
                return;
            }

            await ConsoleSessionStore.EndPresentedAsync(context.HttpContext);
            context.Principal = user.ToPrincipal(OpenIdConnectDefaults.AuthenticationScheme);
        };
        o.Events.OnRemoteFailure = context =>
        {
            context.HandleResponse();
            return SignInFailedAsync(context.HttpContext);
        };
    }

    private static Task SignInFailedAsync(HttpContext http, string why = "the identity provider's answer could not be accepted; start again from the console's home page")
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return ConsolePages.ErrorAsync(http, "sign-in failed", why);
    }

    /// <summary>
    /// An HttpOnly cookie for path / and no domain. Over https it is a <c>__Host-</c> cookie, always Secure; over the
    /// plain-http loopback listener (the only plain listener allowed) it can be neither, so it is named without the prefix.
    /// </summary>
    public static void HostCookie(CookieBuilder cookie, string name, SameSiteMode sameSite, bool https)
    {
        cookie.Name = https ? "__Host-" + name : name;
        cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.None;
        cookie.HttpOnly = true;
        cookie.SameSite = sameSite;
        cookie.Path = "/";
        cookie.Domain = null;
        cookie.IsEssential = true;
    }
}
