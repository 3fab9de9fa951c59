using System.Net;
using System.Net.Http.Headers;

namespace Mandate.Client;

/// <summary>Puts a credential on a request: <c>Bearer</c>, or <c>DPoP</c> with a fresh proof for this method and URL (RFC 9449 §7.1).</summary>
internal static class CredentialAttachment
{
    private const string BearerTokenType = "Bearer";

    public static void Apply(HttpRequestMessage request, IssuedCredential credential, MandateRun run)
    {
        request.Headers.Remove("DPoP");
        if (!credential.IsDpopBound)
        {
            // RFC 6749 §7.1: the client MUST NOT use an access token if it does not understand the token type.
            if (!string.Equals(credential.TokenType, BearerTokenType, StringComparison.OrdinalIgnoreCase))
            {
                throw new MandateErrorException(
                    "invalid_response",
                    $"the broker issued a credential of token_type '{credential.TokenType}', which is not an access token to send on a request (RFC 6749 §7.1); read it with GetIssuedCredentialAsync instead",
                    0);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.AccessToken);
            return;
        }

        var dpop = run.Client.Dpop ?? throw new InvalidOperationException("the broker issued a DPoP-bound credential to a client without a DpopKey");
        var url = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        if (!url.IsAbsoluteUri)
        {
            throw new InvalidOperationException("a DPoP proof names the absolute request URL; give the HttpClient a BaseAddress or use absolute URIs");
        }

        // §7.1: the token goes under the DPoP scheme, with a proof for this method and URL carrying ath.
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", credential.AccessToken);
        request.Headers.Add("DPoP", dpop.ResourceProof(request.Method, url, credential.AccessToken));
    }

    /// <summary>
    /// RFC 9449 §8.2/§9: remembers a resource server's latest <c>DPoP-Nonce</c> (on any answer) for the next proofs to its
    /// origin. True when <paramref name="credential"/> is DPoP-bound and the answer carried a nonce.
    /// </summary>
    public static bool RememberNonce(HttpRequestMessage request, HttpResponseMessage response, IssuedCredential credential, MandateRun run) =>
        credential.IsDpopBound && run.Client.Dpop is { } dpop && request.RequestUri is { IsAbsoluteUri: true } url
            && dpop.RememberResourceNonce(url, response);

    /// <summary>RFC 9449 §9: a 401 whose DPoP challenge says <c>use_dpop_nonce</c>: the server wants a proof with its nonce.</summary>
    public static bool IsUseNonce(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Unauthorized && AuthChallenge.From(response, AuthChallenge.Dpop) is { Error: "use_dpop_nonce" };
}
