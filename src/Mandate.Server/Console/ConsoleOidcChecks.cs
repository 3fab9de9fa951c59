using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Server.Console;

/// <summary>
/// Checks the console adds to ASP.NET Core's OpenID Connect handler, each where the standards require more than the
/// handler does.
/// </summary>
internal static class ConsoleOidcChecks
{
    /// <summary>
    /// Before anyone is sent to the provider: OpenID Connect Discovery 1.0 §4.3, a discovery document whose <c>issuer</c> is not
    /// the configured one (a trailing '/' aside) MUST NOT be used, since ID tokens are then checked against it (502, nobody is
    /// sent there). The redirect URI is the console's own address (<c>console.public_url</c>, else the listener's), never one
    /// built from the request's Host header: the provider is told where the console is, not where a request claimed it was.
    /// </summary>
    public static async Task CheckProviderAndRedirectUriAsync(RedirectContext context)
    {
        var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        if (!string.Equals(configuration.Issuer?.TrimEnd('/'), context.Options.Authority?.TrimEnd('/'), StringComparison.Ordinal))
        {
            // Fetch the document again at the next sign-in (at most every few minutes), so a corrected provider is used at once.
            context.Options.ConfigurationManager.RequestRefresh();
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await ConsolePages.ErrorAsync(context.HttpContext, "Identity provider not usable",
                $"its discovery document names the issuer '{configuration.Issuer}', not console.oidc.issuer '{context.Options.Authority}' "
                + "(OpenID Connect Discovery 1.0 §4.3); correct console.oidc.issuer or the provider's configuration");
            return;
        }

        var console = context.HttpContext.RequestServices.GetRequiredService<ConsoleLoginCodes>().ConsoleUrl;
        context.ProtocolMessage.RedirectUri = new Uri(console, ConsoleAuthentication.CallbackPath).ToString();
    }

    /// <summary>
    /// RFC 9207 §2.4: an authorization response whose <c>iss</c> is not the provider's issuer, or that has none when the
    /// provider's metadata says it always sends one, is refused before its code is redeemed (mix-up defence, RFC 9700 §4.4).
    /// </summary>
    public static async Task RequireProviderIssuerAsync(MessageReceivedContext context)
    {
        var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        var issuer = context.ProtocolMessage.Iss;
        if (issuer is null ? configuration.AuthorizationResponseIssParameterSupported : !string.Equals(issuer, configuration.Issuer, StringComparison.Ordinal))
        {
            context.Fail($"the authorization response's iss is not the provider's issuer '{configuration.Issuer}' (RFC 9207 §2.4)");
        }
    }

    /// <summary>
    /// OpenID Connect Core 1.0 §2: an ID token is signed (never <c>alg: none</c>, which the console does not register); the
    /// handler skips that check for a token from the token endpoint. §3.1.3.7 (3): its audience is this client only. (10): one
    /// issued further in the future than the clock skew is refused, as the broker refuses every incoming JWT's future
    /// <c>iat</c>; the handler has no <c>iat</c> window.
    /// </summary>
    public static Task CheckIdToken(TokenValidatedContext context)
    {
        var token = new JsonWebToken(context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken);
        if (!token.IsSigned || string.Equals(token.Alg, "none", StringComparison.OrdinalIgnoreCase))
        {
            context.Fail("the provider's ID token is not signed (OpenID Connect Core 1.0 §2)");
        }
        else if (token.Audiences.Any(a => !string.Equals(a, context.Options.ClientId, StringComparison.Ordinal)))
        {
            context.Fail($"the provider's ID token names audiences other than '{context.Options.ClientId}' (OpenID Connect Core 1.0 §3.1.3.7)");
        }
        // The clock IdentityModel checks exp and nbf against, with the same skew.
        else if (token.IssuedAt > DateTime.UtcNow + context.Options.TokenValidationParameters.ClockSkew)
        {
            context.Fail($"the provider's ID token says it was issued at {token.IssuedAt:u}, in the future; check the provider's clock (OpenID Connect Core 1.0 §3.1.3.7)");
        }

        return Task.CompletedTask;
    }
}
