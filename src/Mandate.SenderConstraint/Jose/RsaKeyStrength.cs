using System.Numerics;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// RFC 7518 §3.3 and §3.5: an RSA key used with RS256/PS256 and their kin MUST be 2048 bits or larger.
/// IdentityModel verifies with keys from 1024 bits, so a client-chosen key (a DPoP proof's jwk) is measured here first.
/// </summary>
public static class RsaKeyStrength
{
    /// <summary>The smallest modulus accepted, in bits.</summary>
    public const int MinimumBits = 2048;

    /// <summary>The modulus size of an RSA JWK in bits, or 0 when <c>n</c> is missing or not base64url.</summary>
    public static int ModulusBits(JsonWebKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(key.N))
        {
            return 0;
        }

        try
        {
            return (int)new BigInteger(Base64UrlEncoder.DecodeBytes(key.N), isUnsigned: true, isBigEndian: true).GetBitLength();
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    /// <summary>Whether <paramref name="key"/> is RSA and shorter than <see cref="MinimumBits"/>.</summary>
    public static bool IsTooShort(JsonWebKey key) =>
        key?.Kty == JsonWebAlgorithmsKeyTypes.RSA && ModulusBits(key) < MinimumBits;
}
