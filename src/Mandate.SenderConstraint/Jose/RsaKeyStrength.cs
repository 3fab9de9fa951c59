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

    /// <summary>
    /// The largest modulus accepted from a client, in bits. A proof is verified before its sender is authenticated, and
    /// verifying grows with the cube of the modulus: a 16,384-bit key costs some forty times a 2048-bit one.
    /// </summary>
    public const int MaximumClientBits = 8192;

    // FIPS 186-5 §A.1.1: 2^16 < e < 2^256. Verifying costs one squaring per exponent bit, so a long e is a cost a client chooses.
    private const int MaximumExponentBits = 256;

    /// <summary>The modulus size of an RSA JWK in bits, or 0 when <c>n</c> is missing or not base64url.</summary>
    public static int ModulusBits(JsonWebKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Bits(key.N);
    }

    /// <summary>
    /// What is wrong with a client-chosen RSA <paramref name="key"/> (a DPoP proof's jwk), or null: shorter than
    /// <see cref="MinimumBits"/> or longer than <see cref="MaximumClientBits"/>, an exponent of 256 bits or more, or
    /// <c>n</c> or <c>e</c> with a leading zero octet. RFC 7518 §2 writes those integers
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

        var bits = ModulusBits(key);
        if (bits < MinimumBits)
        {
            return $"RSA key has {bits} bits; RSA keys must have at least {MinimumBits} (RFC 7518 section 3.3)";
        }

        if (bits > MaximumClientBits)
        {
            return $"RSA key has {bits} bits; a DPoP key may have at most {MaximumClientBits} (use a 2048- to 4096-bit key, or ES256)";
        }

        var exponentBits = Bits(key.E);
        if (exponentBits > MaximumExponentBits)
        {
            return $"RSA key's public exponent e has {exponentBits} bits; it must be under 2^{MaximumExponentBits} (FIPS 186-5 section A.1.1; 65537 is usual)";
        }

        return HasLeadingZero(key.N) || HasLeadingZero(key.E)
            ? "RSA key has n or e with a leading zero octet; write each in the fewest octets (RFC 7518 section 2, Base64urlUInt)"
            : null;
    }

    /// <summary>Whether <paramref name="key"/> is RSA and shorter than <see cref="MinimumBits"/>.</summary>
    public static bool IsTooShort(JsonWebKey key) =>
        key?.Kty == JsonWebAlgorithmsKeyTypes.RSA && ModulusBits(key) < MinimumBits;

    // The bit length of a Base64urlUInt, or 0 when missing or not base64url.
    private static int Bits(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        try
        {
            return (int)new BigInteger(Base64UrlEncoder.DecodeBytes(value), isUnsigned: true, isBigEndian: true).GetBitLength();
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    /// <summary>A base64url value whose first octet is zero: six zero bits ('A'), then two more (a character from A to P).</summary>
    private static bool HasLeadingZero(string? value) => value is { Length: > 1 } && value[0] == 'A' && value[1] is >= 'A' and <= 'P';
}
