using Mandate.Core.Introspection;
using Mandate.Core.Protocol;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Endpoints;

/// <summary>POST /oauth2/revoke: RFC 7009, for the agent holding a credential or the tool it addresses.</summary>
public static class RevocationEndpoint
{
    public const string Path = "/oauth2/revoke";

    public static async Task HandleAsync(HttpContext http, WorkloadAuthentication auth, TokenRevocationHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (await WorkloadTokenRequest.ReadAsync(http, auth) is not var (caller, token, form))
        {
            return;
        }

        if (form.TryGetValue(OAuthConstants.Parameters.TokenTypeHint, out var hint) && hint is not ("access_token" or "refresh_token"))
        {
            // RFC 7009 §2.2.1: a hint the server does not understand.
            await OAuthResponses.WriteErrorAsync(http, TokenRevocationChecks.UnsupportedTokenType.Refuse("token_type_hint must be access_token (Mandate issues no refresh tokens)"));
            return;
        }

        // A revocation that cannot be made durable escapes to the host (StoreOutages): 503 store.unavailable.
        if (await handler.RevokeAsync(caller, token, http.RequestAborted) is { } error)
        {
            await OAuthResponses.WriteErrorAsync(http, error);
            return;
        }

        // RFC 7009 §2.2: 200 with an empty body, also for tokens that were already invalid.
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
    }
}
