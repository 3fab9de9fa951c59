using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.SenderConstraint.Jose;

namespace Mandate.Core.Attestation;

/// <summary>
/// The keys and signatures a client certificate chain may rest on: RSA of 2048 bits or more (as for every JWT key,
/// RFC 7518 §3.3) or ECDSA on P-256, P-384 or P-521, and signatures with SHA-256 or stronger. A platform's TLS layer
/// may still accept a 1024-bit key or a SHA-1 signature (its security level is not Mandate's), so the chain it built is
/// checked here, certificate by certificate; a trust anchor's own self-signature proves nothing and is not read.
/// </summary>
internal static class X509ChainStrength
{
    private static readonly HashSet<string> StrongSignatures = new(StringComparer.Ordinal)
    {
        "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
        "1.2.840.113549.1.1.12", // sha384WithRSAEncryption
        "1.2.840.113549.1.1.13", // sha512WithRSAEncryption
        "1.2.840.113549.1.1.10", // RSASSA-PSS (its hash is checked by the chain's own verification)
        "1.2.840.10045.4.3.2", // ecdsa-with-SHA256
        "1.2.840.10045.4.3.3", // ecdsa-with-SHA384
        "1.2.840.10045.4.3.4", // ecdsa-with-SHA512
    };

    private static readonly HashSet<string> StrongCurves = new(StringComparer.Ordinal)
    {
        "1.2.840.10045.3.1.7", // P-256
        "1.3.132.0.34", // P-384
        "1.3.132.0.35", // P-521
    };

    /// <summary>Why the chain from the leaf up to (and with) its trust anchor is too weak, or null.</summary>
    public static string? Weakness(X509ChainElementCollection chain)
    {
        for (var i = 0; i < chain.Count; i++)
        {
            var certificate = chain[i].Certificate;
            var role = i == 0 ? "the client certificate" : $"the CA certificate '{certificate.Subject}'";
            if (KeyWeakness(certificate) is { } key)
            {
                return $"{role} has {key}; {KeyRule}";
            }

            var anchor = i == chain.Count - 1;
            if (!anchor && !StrongSignatures.Contains(certificate.SignatureAlgorithm.Value ?? ""))
            {
                var name = certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value;
                return $"{role} is signed with {name}; SVID chains need RSA or ECDSA signatures with SHA-256 or stronger";
            }
        }

        return null;
    }

    /// <summary>The key rule, as refusals state it.</summary>
    public static readonly string KeyRule = $"SVID chains need RSA keys of {RsaKeyStrength.MinimumBits} bits or more, or ECDSA on P-256, P-384 or P-521";

    /// <summary>What is too weak about <paramref name="certificate"/>'s key ("a 1024-bit RSA key"), or null.</summary>
    public static string? KeyWeakness(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize < RsaKeyStrength.MinimumBits ? $"a {rsa.KeySize}-bit RSA key" : null;
        }

        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null)
        {
            var curve = ecdsa.ExportParameters(false).Curve;
            return curve.IsNamed && StrongCurves.Contains(curve.Oid.Value ?? "") ? null : $"an ECDSA key on {curve.Oid.FriendlyName ?? curve.Oid.Value ?? "an unnamed curve"}";
        }

        return $"a {certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value} key";
    }
}
