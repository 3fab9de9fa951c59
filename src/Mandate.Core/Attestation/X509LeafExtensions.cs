using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mandate.Core.Attestation;

/// <summary>
/// The extensions of a presented leaf that X.509-SVID validation judges, decoded once. A certificate that repeats
/// an extension or carries one that does not decode is refused here, so the checks after it never throw on what a
/// caller sent (the TLS stack of another platform may pass such a certificate through).
/// </summary>
/// <param name="IsCa">basicConstraints cA (false when the extension is absent, RFC 5280 §4.2.1.9).</param>
/// <param name="KeyUsages">keyUsage, or null when absent.</param>
/// <param name="ExtendedKeyUsages">extKeyUsage purpose OIDs, or null when absent.</param>
internal sealed record X509LeafExtensions(bool IsCa, X509KeyUsageFlags? KeyUsages, IReadOnlyList<string>? ExtendedKeyUsages)
{
    /// <summary>The decoded extensions, or the client-safe reason the certificate cannot be judged.</summary>
    public static X509LeafExtensions? Read(X509Certificate2 leaf, out string? error)
    {
        // RFC 5280 §4.2: a certificate must not include more than one instance of an extension; two SANs or two
        // basicConstraints could tell two readers two different things.
        var repeated = leaf.Extensions.Select(e => e.Oid?.Value ?? "").GroupBy(oid => oid, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            error = $"the client certificate repeats the extension {repeated.Key}; a certificate carries each extension at most once (RFC 5280 §4.2)";
            return null;
        }

        try
        {
            var constraints = leaf.Extensions["2.5.29.19"] as X509BasicConstraintsExtension;
            var usage = leaf.Extensions["2.5.29.15"] as X509KeyUsageExtension;
            var extended = leaf.Extensions["2.5.29.37"] as X509EnhancedKeyUsageExtension;
            error = null;
            return new X509LeafExtensions(
                constraints?.CertificateAuthority == true,
                usage?.KeyUsages,
                extended?.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value ?? "").ToList());
        }
        catch (CryptographicException)
        {
            error = "the client certificate's basicConstraints, keyUsage or extKeyUsage extension is not valid DER";
            return null;
        }
    }
}
