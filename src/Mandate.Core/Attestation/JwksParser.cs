using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>Turns a JWKS document into verification keys: those <see cref="VerificationKeyRule"/> allows.</summary>
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
            if (VerificationKeyRule.Allows(jwk))
            {
                keys.Add(jwk);
            }
        }

        return keys;
    }
}
