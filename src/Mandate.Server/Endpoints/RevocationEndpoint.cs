using Mandate.Core.Introspection;
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
        if (await WorkloadTokenRequest.ReadAsync(http, auth) is not var (caller, token))
        {
            return;
        }

        // token_type_hint is not read: RFC 7009 §2.1 lets a server ignore it and requires searching every type it
        // supports, and Mandate revokes only its own credentials, which it tells apart itself (as introspection does).
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
