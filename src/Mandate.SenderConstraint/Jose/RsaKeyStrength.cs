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

    /// <summary>
    /// What is wrong with a client-chosen RSA <paramref name="key"/> (a DPoP proof's jwk), or null: shorter than
    /// <see cref="MinimumBits"/>, or <c>n</c> or <c>e</c> with a leading zero octet. RFC 7518 §2 writes those integers
    /// in the fewest octets, and the RFC 7638 thumbprint (<c>cnf.jkt</c>) hashes them as written, so a padded value would
    /// give one key a second thumbprint.
    /// </summary>
    public static string? ClientKeyProblem(JsonWebKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Kty != JsonWebAlgorithmsKeyTypes.RSA)
        {
            return null;
        }

        if (IsTooShort(key))
        {
            return $"RSA key has {ModulusBits(key)} bits; RSA keys must have at least {MinimumBits} (RFC 7518 section 3.3)";
        }

        return HasLeadingZero(key.N) || HasLeadingZero(key.E)
            ? "RSA key has n or e with a leading zero octet; write each in the fewest octets (RFC 7518 section 2, Base64urlUInt)"
            : null;
    }

    /// <summary>Whether <paramref name="key"/> is RSA and shorter than <see cref="MinimumBits"/>.</summary>
    public static bool IsTooShort(JsonWebKey key) =>
        key?.Kty == JsonWebAlgorithmsKeyTypes.RSA && ModulusBits(key) < MinimumBits;

    /// <summary>A base64url value whose first octet is zero: six zero bits ('A'), then two more (a character from A to P).</summary>
    private static bool HasLeadingZero(string? value) => value is { Length: > 1 } && value[0] == 'A' && value[1] is >= 'A' and <= 'P';
}
