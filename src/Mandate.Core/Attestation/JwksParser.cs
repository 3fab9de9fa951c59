using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>Turns a JWKS document into verification keys: public asymmetric signing keys only, RSA ones of 2048 bits or more.</summary>
internal static class JwksParser
{
    public static IReadOnlyList<SecurityKey> Parse(string json, string where)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where} is not a JWKS document: {e.Message}", e);
        }

        var keys = new List<SecurityKey>();
        foreach (var jwk in set.Keys)
        {
            // A JWKS we verify with must hold public keys only; symmetric keys would let a public value act as an HMAC secret.
            if (jwk.Kty is not ("EC" or "RSA") || jwk.HasPrivateKey || (jwk.Use is not null && jwk.Use != "sig"))
            {
                continue;
            }

            // RFC 7518 §3.3/§3.5: RS256/PS256 MUST use RSA keys of 2048 bits or more; IdentityModel would verify from 1024.
            if (RsaKeyStrength.IsTooShort(jwk))
            {
                continue;
            }

            keys.Add(jwk);
        }

        return keys;
    }
}
