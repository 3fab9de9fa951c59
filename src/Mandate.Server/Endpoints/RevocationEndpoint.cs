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

        // token_type_hint is not read. RFC 7009 §2.1: a server that cannot locate the token by its hint must search all
        // the types it supports, and may ignore the hint; Mandate revokes only its own credentials and tells them apart
        // itself (introspection ignores the hint the same way, RFC 7662 §2.1).
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
