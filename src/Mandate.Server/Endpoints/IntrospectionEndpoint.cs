using Mandate.Core.Introspection;
using Mandate.SenderConstraint;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Server.Endpoints;

/// <summary>POST /oauth2/introspect: RFC 7662, for tools authenticating with their workload identity.</summary>
public static class IntrospectionEndpoint
{
    public const string Path = "/oauth2/introspect";

    public static async Task HandleAsync(HttpContext http, WorkloadAuthentication auth, IntrospectionHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (await WorkloadTokenRequest.ReadAsync(http, auth) is not var (caller, token))
        {
            return;
        }

        // An active answer that cannot be recorded escapes to the host (StoreOutages): 503 store.unavailable.
        var result = await handler.IntrospectAsync(caller, token, http.RequestAborted);
        Telemetry.RequestMetrics.Introspected(result.Active);

        await OAuthResponses.WriteJsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteBoolean("active", result.Active);
            if (result.Token is not { } t)
            {
                return;
            }

            w.WriteString(C.Scope, t.Scope);
            w.WriteString(C.ClientId, t.Agent);
            // RFC 9449 §6.2 / RFC 8705 §3.2: the binding and the matching token type.
            w.WriteString("token_type", t.Confirmation?.Jkt is not null ? ConfirmationNames.DpopTokenType : "Bearer");
            if (t.Confirmation is { IsEmpty: false } cnf)
            {
                w.WritePropertyName(ConfirmationNames.Cnf);
                cnf.WriteTo(w);
            }

            w.WriteNumber(C.Expires, t.ExpiresAt.ToUnixTimeSeconds());
            w.WriteNumber(C.IssuedAt, t.IssuedAt.ToUnixTimeSeconds());
            w.WriteString(C.Subject, t.Subject);
            w.WriteString(C.Audience, t.Audience);
            w.WriteString(C.JwtId, t.Jti);
            w.WriteStartObject(C.Actor);
            w.WriteString(C.Subject, t.Agent);
            w.WriteEndObject();
            w.WriteString(C.Tenant, t.Tenant);
            w.WriteString(C.Run, t.Run);
            w.WriteString(C.PolicyVersion, t.PolicyVersion);
            w.WriteString(C.DecisionId, t.DecisionId);
        });
    }
}
