using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Client;

/// <summary>Creates DPoP proof JWTs (RFC 9449 §4.2), signed by <see cref="JsonWebTokenHandler"/>.</summary>
internal static class DpopProofSigner
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A proof for one request.</summary>
    /// <param name="key">The client's key; its public JWK goes into the header.</param>
    /// <param name="method">The request's HTTP method (<c>htm</c>).</param>
    /// <param name="url">The request's URL (<c>htu</c>; query and fragment dropped).</param>
    /// <param name="issuedAt">Now, from the client's TimeProvider (<c>iat</c>).</param>
    /// <param name="accessToken">For a resource request, the credential presented with it (§4.2: <c>ath</c>).</param>
    /// <param name="nonce">The server's latest <c>DPoP-Nonce</c> (§8), if any.</param>
    public static string Create(DpopKey key, string method, Uri url, DateTimeOffset issuedAt, string? accessToken = null, string? nonce = null)
    {
        var claims = new Dictionary<string, object>
        {
            // §11.1: a unique jti per proof lets servers detect replay; 128 random bits.
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            ["htm"] = method,
            // §4.2: htu is the target URI without query and fragment.
            ["htu"] = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped),
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            claims["ath"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }

        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = key.SigningCredentials,
            TokenType = "dpop+jwt",
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = key.PublicJwk },
        });
    }
}
