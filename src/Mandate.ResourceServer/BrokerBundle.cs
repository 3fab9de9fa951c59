using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Mandate.ResourceServer;

/// <summary>
/// The CA certificates of one fetched SPIFFE trust bundle (SPIFFE Trust Domain and Bundle §4: a JWKS whose
/// <c>x509-svid</c> keys carry the CA certificate in <c>x5c</c>): what tool credential certificates must chain to.
/// </summary>
internal sealed record BrokerBundle(X509Certificate2Collection Authorities, DateTimeOffset FetchedAt) : IBrokerDocument
{
    /// <summary>Bundles are small; a huge one is hostile input, not a trust domain's CAs.</summary>
    private const int MaxAuthorities = 64;

    public int Count => Authorities.Count;

    /// <summary>True when no CA has <paramref name="wanted"/> (hex) as its subject key identifier: a renewed CA may be in a newer bundle.</summary>
    public bool Lacks(string wanted) => !Authorities.Any(ca =>
        ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier is { } ski
        && string.Equals(ski, wanted, StringComparison.OrdinalIgnoreCase));

    /// <exception cref="ArgumentException">Not a SPIFFE bundle with at least one X.509 authority.</exception>
    public static BrokerBundle Parse(JsonElement json, DateTimeOffset now)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException("the SPIFFE bundle is not a JWK set");
        }

        var authorities = new X509Certificate2Collection();
        foreach (var key in keys.EnumerateArray())
        {
            // Bundle §4.2.1: use x509-svid marks an X.509 authority; §4.2.2.1: exactly one certificate in x5c.
            if (key.ValueKind != JsonValueKind.Object
                || !key.TryGetProperty("use", out var use) || use.ValueKind != JsonValueKind.String || use.GetString() != "x509-svid"
                || !key.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() != 1
                || x5c[0].ValueKind != JsonValueKind.String)
            {
                continue;
            }

            try
            {
                authorities.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(x5c[0].GetString()!)));
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                throw new ArgumentException("the SPIFFE bundle holds an x509-svid key whose x5c is not a DER certificate", e);
            }
        }

        return authorities.Count is 0 or > MaxAuthorities
            ? throw new ArgumentException($"the SPIFFE bundle must hold 1 to {MaxAuthorities} X.509 authorities; it holds {authorities.Count}")
            : new BrokerBundle(authorities, now);
    }
}
