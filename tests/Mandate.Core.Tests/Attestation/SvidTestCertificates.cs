using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mandate.Core.Tests.Attestation;

/// <summary>Pieces of X.509-SVIDs built at test time: a trust domain's self-signed CA and a SAN written exactly as given.</summary>
internal static class SvidTestCertificates
{
    /// <summary>A self-signed CA (cA=true, keyCertSign) valid from a day before <paramref name="now"/> for 30 days.</summary>
    public static X509Certificate2 SelfSignedCa(string subject, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>A SAN with exactly these URIs, written as is (System.Uri would add a trailing '/' to a bare trust domain ID).</summary>
    public static X509Extension UriSan(bool critical, params string[] uris)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var uri in uris)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
            }
        }

        return new X509Extension("2.5.29.17", writer.Encode(), critical);
    }
}
