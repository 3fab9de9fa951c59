using Mandate.Core.Introspection;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Endpoints;

/// <summary>POST /oauth2/revoke: RFC 7009, for the agent holding a credential or the tool it addresses.</summary>
public static class RevocationEndpoint
{
    public const string Path = "/oauth2/revoke";

    public static async Task HandleAsync(HttpContext http, WorkloadAuthentication auth, TokenRevocationHandler handler)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(handler);
        var (caller, authError) = await auth.AuthenticateAsync(http.Request, http.RequestAborted);
        if (authError is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, authError);
            return;
        }

        var (form, formError, status) = await FormReader.ReadAsync(http.Request, http.RequestAborted);
        if (formError is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, formError, status);
            return;
        }

        if (!form!.TryGetValue(OAuthConstants.Parameters.Token, out var token))
        {
            await OAuthResponses.WriteErrorAsync(http, OAuthError.InvalidRequest("token is required"));
            return;
        }

        if (form.TryGetValue(OAuthConstants.Parameters.TokenTypeHint, out var hint) && hint is not ("access_token" or "refresh_token"))
        {
            // RFC 7009 §2.2.1: a hint the server does not understand.
            await OAuthResponses.WriteErrorAsync(http, new OAuthError(OAuthConstants.Errors.UnsupportedTokenType, "token_type_hint must be access_token (Mandate issues no refresh tokens)"));
            return;
        }

        OAuthError? error;
        try
        {
            error = await handler.RevokeAsync(caller!, token, http.RequestAborted);
        }
        catch (StoreUnavailableException)
        {
            error = OAuthError.TemporarilyUnavailable("the revocation could not be made durable; retry");
        }

        if (error is not null)
        {
            await OAuthResponses.WriteErrorAsync(http, error);
            return;
        }

        // RFC 7009 §2.2: 200 with an empty body, also for tokens that were already invalid.
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
    }
}
