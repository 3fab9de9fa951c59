using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// The shared front of introspection and revocation: authenticate the calling workload, read the form,
/// require <c>token</c>. On any failure the error has been written and null is returned.
/// </summary>
public static class WorkloadTokenRequest
{
    public static async Task<(WorkloadIdentity Caller, string Token)?> ReadAsync(HttpContext http, WorkloadAuthentication auth)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(auth);
        var (caller, authError) = await auth.AuthenticateAsync(http.Request, http.RequestAborted);
        if (authError is not null)
        {
            // RFC 6749 §5.2 (RFC 7662 §2.3, RFC 7009 §2.2.1): a client that tried another scheme is challenged in that
            // scheme too, then told the one that works.
            var scheme = OAuthResponses.ClientScheme(http.Request);
            var challenge = scheme is null || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
                ? null
                : $"{OAuthResponses.RealmChallenge(scheme)}, {OAuthResponses.BearerChallenge(authError)}";
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

        if (!form!.TryGetValue(OAuthConstants.Parameters.Token, out var token))
        {
            await OAuthResponses.WriteErrorAsync(http, FormChecks.TokenMissing.Refuse("token is required"));
            return null;
        }

        return (caller!, token);
    }
}
