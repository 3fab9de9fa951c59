using Mandate.Core.Exchange;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Endpoints;

/// <summary>POST /oauth2/token: RFC 8693 token exchange.</summary>
public static class TokenEndpoint
{
    public const string Path = "/oauth2/token";

    public static async Task HandleAsync(HttpContext http, TokenExchangeHandler handler)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(handler);
        var (form, formError, status) = await FormReader.ReadAsync(http.Request, http.RequestAborted);
        if (formError is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, formError, status);
            return;
        }

        var context = await handler.HandleAsync(new TokenExchangeRequest(form!), http.RequestAborted);
        if (context.Error is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, context.Error);
            return;
        }

        var r = context.Response!;
        // RFC 8693 §2.2.1 response fields.
        await OAuthResponses.WriteJsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteString("access_token", r.AccessToken);
            w.WriteString("issued_token_type", r.IssuedTokenType);
            w.WriteString("token_type", r.TokenType);
            w.WriteNumber("expires_in", r.ExpiresIn);
            w.WriteString("scope", r.Scope);
        });
    }
}
