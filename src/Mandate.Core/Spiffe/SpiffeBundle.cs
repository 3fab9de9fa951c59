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

        foreach (var jwk in keys.JwtPublished)
        {
            entries.Add(new Dictionary<string, object> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = jwk.Kid, ["use"] = JwtUse });
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = entries,
            ["spiffe_sequence"] = keys.Sequence,
            ["spiffe_refresh_hint"] = (long)refreshHint.TotalSeconds,
        });
    }

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
