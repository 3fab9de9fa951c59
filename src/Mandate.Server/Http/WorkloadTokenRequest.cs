using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// The shared front of introspection and revocation: refuse OAuth parameters in the query, authenticate the calling workload, read the form, refuse any
/// other client authentication, require <c>token</c>. On any failure the error has been written and null is returned.
/// </summary>
public static class WorkloadTokenRequest
{
    public static async Task<(WorkloadIdentity Caller, string Token)?> ReadAsync(HttpContext http, WorkloadAuthentication auth)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(auth);
        if (FormReader.ParameterInQuery(http.Request) is { } inQuery)
        {
            // Before authentication: a bearer token sent as ?access_token= (RFC 6750 §2.3) is refused as such, not as missing.
            await OAuthResponses.WriteErrorAsync(http, inQuery);
            return null;
        }

        var (caller, authError) = await auth.AuthenticateAsync(http.Request, http.RequestAborted);
        if (authError is not null)
        {
            // The body is RFC 6749 §5.2's invalid_client (RFC 7009 §2.2.1), or invalid_request (400, no challenge) for two
            // Authorization headers. The challenge speaks of the bearer token the caller authorizes with (RFC 7662 §2.3 →
            // RFC 6750 §3.1): invalid_token for one that did not attest, no error code when none was sent or the refusal
            // is not the token's (a refused certificate beside it). A client that tried another scheme is challenged in
            // that scheme too (RFC 6749 §5.2).
            var scheme = OAuthResponses.ClientScheme(http.Request);
            var bearerSent = scheme is not null && scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
            var bearer = bearerSent && authError.CheckId == ClientChecks.WorkloadTokenInvalid.Id ? "Bearer error=\"invalid_token\"" : "Bearer";
            var challenge = scheme is null || bearerSent ? bearer : $"{OAuthResponses.RealmChallenge(scheme)}, {bearer}";
            await OAuthResponses.WriteErrorAsync(http, authError, challenge: challenge);
            return null;
        }

        var (form, formError, status) = await FormReader.ReadAsync(http.Request, http.RequestAborted);
        if (formError is not null)
        {
            // The status Kestrel gave a body it could not read (any 4xx) stands; otherwise it follows the check.
            await OAuthResponses.WriteErrorAsync(http, formError, status);
            return null;
        }

        if (OtherClientAuthentication(form!, caller!) is { } refusal)
        {
            await OAuthResponses.WriteErrorAsync(http, refusal);
            return null;
        }

        if (!form!.TryGetValue(OAuthConstants.Parameters.Token, out var token))
        {
            await OAuthResponses.WriteErrorAsync(http, FormChecks.TokenMissing.Refuse("token is required"));
            return null;
        }

        return (caller!, token);
    }

    /// <summary>
    /// RFC 6749 §2.3: one client authentication method per request. A client_secret or a client assertion beside the
    /// workload identity would not count, and its sender expects it to; nor would the bearer token sent again in the body
    /// (RFC 6750 §2); a client_id must name the workload (§3.2.1).
    /// </summary>
    private static OAuthError? OtherClientAuthentication(Dictionary<string, string> form, WorkloadIdentity caller)
    {
        if (TokenClientAuthentication.UnsupportedParameter(form) is { } method)
        {
            return ClientChecks.AuthenticationUnsupported.Refuse(
                $"{method} is not a client authentication method Mandate accepts; the caller authenticates with 'Authorization: Bearer <its workload identity JWT>' (or its X.509-SVID over mutual TLS) alone");
        }

        if (form.ContainsKey(FormReader.BearerTokenParameter))
        {
            // RFC 6750 §2: a client MUST NOT send its token by more than one method; §3.1 makes that invalid_request.
            // Beside a client certificate it is a second authentication method (RFC 6749 §2.3), refused alike.
            return FormChecks.AccessTokenInBody.Refuse(
                "access_token was sent in the body; the caller authenticates once, with 'Authorization: Bearer <its workload identity JWT>' or its X.509-SVID over mutual TLS, never with a token in the body (RFC 6750 section 2)");
        }

        return ActorAttestor.ClientIdRefusal(form.GetValueOrDefault(OAuthConstants.Parameters.ClientId), caller);
    }
}
