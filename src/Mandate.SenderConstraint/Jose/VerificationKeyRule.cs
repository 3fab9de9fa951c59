using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Jose;

/// <summary>Which keys of a fetched JWKS may verify a signature: the one rule for issuers' keys and the broker's own.</summary>
public static class VerificationKeyRule
{
    /// <summary>
    /// Whether <paramref name="key"/> is a public EC or RSA key meant for verifying signatures. A symmetric key would let a
    /// public value act as an HMAC secret, and a key carrying private material is a publisher's mistake, not a key to trust.
    /// RFC 7517 §4.2/§4.3: a key whose <c>use</c> is not <c>sig</c>, or whose <c>key_ops</c> leave out <c>verify</c>, is
    /// not for verifying. RFC 7518 §3.3: an RSA key under 2048 bits never verifies.
    /// </summary>
    public static bool Allows(JsonWebKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA
            && !key.HasPrivateKey
            && (key.Use is null || key.Use == JsonWebKeyUseNames.Sig)
            && (key.KeyOps.Count == 0 || key.KeyOps.Contains(KeyOperationVerify))
            && !RsaKeyStrength.IsTooShort(key);
    }

    private const string KeyOperationVerify = "verify";
}
