using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>
/// The trust bundle in the SPIFFE bundle format (SPIFFE Trust Domain and Bundle spec §4): a JWKS whose
/// keys carry <c>use</c> <c>x509-svid</c> (with the CA in <c>x5c</c>) or <c>jwt-svid</c> (with a <c>kid</c>),
/// plus <c>spiffe_sequence</c> and <c>spiffe_refresh_hint</c>.
/// </summary>
public static class SpiffeBundle
{
    public const string X509Use = "x509-svid";
    public const string JwtUse = "jwt-svid";

    public static string ToJson(SpiffeKeys keys, TimeSpan refreshHint)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var entries = new List<Dictionary<string, object>>();
        foreach (var cert in keys.BundleCertificates)
        {
            entries.Add(X509Entry(cert));
        }

        entries.AddRange(JwtEntries(keys));

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = entries,
            ["spiffe_sequence"] = keys.Sequence,
            ["spiffe_refresh_hint"] = (long)refreshHint.TotalSeconds,
        });
    }

    /// <summary>
    /// The JWT-SVID keys alone as a JWK Set (RFC 7517), the JWT bundle of the SPIFFE Workload API: "MUST NOT include
    /// keys with other uses" (SPIFFE Workload API §6.2.2).
    /// </summary>
    public static string ToJwtJwks(SpiffeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = JwtEntries(keys).ToList() });
    }

    /// <summary>The bundle's CA certificates, DER-encoded and concatenated: the X.509 bundle of the SPIFFE Workload API.</summary>
    public static byte[] ToDer(SpiffeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.BundleCertificates.SelectMany(c => c.RawData).ToArray();
    }

    private static IEnumerable<Dictionary<string, object>> JwtEntries(SpiffeKeys keys) =>
        keys.JwtPublished.Select(jwk => new Dictionary<string, object> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = jwk.Kid, ["use"] = JwtUse });

    /// <summary>The bundle's CA certificates as concatenated PEM, for tools that take a CA file (curl --cacert, openssl).</summary>
    public static string ToPem(SpiffeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var pem = new StringBuilder();
        foreach (var cert in keys.BundleCertificates)
        {
            pem.Append(PemEncoding.WriteString("CERTIFICATE", cert.RawData)).Append('\n');
        }

        return pem.ToString();
    }

    /// <summary>The bundle entry of a CA certificate: its public key as a JWK with the DER certificate in <c>x5c</c>.</summary>
    public static Dictionary<string, object> X509Entry(X509Certificate2 cert)
    {
        ArgumentNullException.ThrowIfNull(cert);
        using var key = cert.GetECDsaPublicKey() ?? throw new InvalidOperationException("the SPIFFE CA key is not an EC key");
        var p = key.ExportParameters(false);
        return new Dictionary<string, object>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(p.Q.X!),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y!),
            ["use"] = X509Use,
            ["x5c"] = new[] { Convert.ToBase64String(cert.RawData) },
        };
    }
}
