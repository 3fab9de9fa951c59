using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Server.Console;

/// <summary>
/// Checks the console adds to ASP.NET Core's OpenID Connect handler, each where the standards require more than the
/// handler does.
/// </summary>
internal static class ConsoleOidcChecks
{
    /// <summary>
    /// OpenID Connect Core 1.0 §2: an ID token is signed (never <c>alg: none</c>, which the console does not register); the
    /// handler skips that check for a token from the token endpoint. §3.1.3.7 (3): its audience is this client only.
    /// </summary>
    public static Task RequireSignedIdTokenForThisClient(TokenValidatedContext context)
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

        return Task.CompletedTask;
    }
}
