using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Mandate.Core.Keys;

/// <summary>Reads the certificate a certified key's public JWK carries in <c>x5c</c>.</summary>
internal static class StoredKeyCertificate
{
    public static X509Certificate2 Load(StoredKey key)
    {
        using var doc = JsonDocument.Parse(key.PublicJwk);
        var der = doc.RootElement.GetProperty("x5c")[0].GetString() ?? throw new FormatException($"key {key.Kid} has an empty x5c");
        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(der));
    }

    public static DateTimeOffset NotAfter(StoredKey key)
    {
        using var certificate = Load(key);
        return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }
}
