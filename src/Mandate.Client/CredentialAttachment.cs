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
}
