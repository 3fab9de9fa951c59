using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Server.Http;

/// <summary>
/// Client authentication at the token endpoint. The agent authenticates with its workload identity (actor_token, or
/// its X.509-SVID over mutual TLS: <c>token_endpoint_auth_methods_supported</c> is none and tls_client_auth), so a
/// request that tries another method (HTTP Basic or any Authorization scheme, client_secret, a client assertion) is
/// refused as RFC 6749 §5.2 says, <c>invalid_client</c>, rather than ignored: its sender expects the credentials to
/// count, and they would not.
/// </summary>
public static class TokenClientAuthentication
{
    private static readonly string[] UnsupportedParameters = [P.ClientSecret, P.ClientAssertion, P.ClientAssertionType];

    private const string Methods = "the agent authenticates with its workload identity: actor_token (a JWT-SVID), or mutual TLS with its X.509-SVID";

    /// <summary>
    /// Null when the request attempts no client authentication Mandate does not accept. Otherwise the refusal, and
    /// for an Authorization header the challenge to answer with (RFC 6749 §5.2: 401 with a WWW-Authenticate header
    /// "matching the authentication scheme used by the client").
    /// </summary>
    public static (OAuthError Error, string? Challenge)? Refusal(HttpRequest request, IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        if (request.Headers.Authorization.Count > 0)
        {
            // The description does not repeat the scheme (descriptions never repeat what the client sent); the
            // challenge must, and a scheme that is not an RFC 9110 token is answered with Bearer instead.
            var error = ClientChecks.AuthenticationUnsupported.Refuse($"client authentication with the Authorization header is not supported at the token endpoint; {Methods}");
            return (error, OAuthResponses.RealmChallenge(OAuthResponses.ClientScheme(request) ?? "Bearer"));
        }

        return UnsupportedParameter(form) is { } name
            ? (ClientChecks.AuthenticationUnsupported.Refuse($"{name} is not a client authentication method Mandate accepts; {Methods}"), null)
            : null;
    }

    /// <summary>
    /// The client authentication parameter in <paramref name="form"/> that no Mandate endpoint accepts (client_secret, a
    /// client assertion), or null; introspection and revocation refuse it too.
    /// </summary>
    public static string? UnsupportedParameter(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        // The form holds no empty values (RFC 6749 §3.1: sent without a value is omitted).
        foreach (var name in UnsupportedParameters)
        {
            if (form.ContainsKey(name))
            {
                return name;
            }
        }

        return null;
    }
}
