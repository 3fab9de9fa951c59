using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint;

/// <summary>Certificate thumbprints as used in confirmation claims.</summary>
public static class CertificateThumbprint
{
    /// <summary>
    /// RFC 8705 §3.1: base64url (no padding) of the SHA-256 of the certificate's DER encoding,
    /// the value of <c>cnf.x5t#S256</c>.
    /// </summary>
    public static string X5tS256(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData));
    }
}
