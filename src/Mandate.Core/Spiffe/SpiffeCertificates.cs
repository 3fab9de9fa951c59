using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.SenderConstraint;

namespace Mandate.Core.Spiffe;

/// <summary>
/// Builds the CA certificate and X.509-SVID leaves with the BCL, following the SPIFFE X509-SVID spec:
/// the CA names the trust domain; a leaf names exactly one SPIFFE ID as its only URI SAN, is not a CA,
/// and may only sign (digitalSignature) for TLS clients and servers. A tool credential is a leaf too, but a client
/// certificate only, stating its decision in <see cref="ToolCredentialExtension"/>.
/// </summary>
public static class SpiffeCertificates
{
    /// <summary>notBefore is backdated this much so a peer whose clock runs a little behind accepts a fresh SVID.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromSeconds(30);

    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    /// <summary>A self-signed CA for <c>spiffe://&lt;trustDomain&gt;</c>, valid from <paramref name="now"/> for <paramref name="lifetime"/>.</summary>
    public static X509Certificate2 CreateCa(ECDsa key, string trustDomain, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new CertificateRequest(new X500DistinguishedName($"O=Mandate, CN=Mandate SPIFFE CA {trustDomain}"), key, HashAlgorithmName.SHA256);
        // X509-SVID spec §4.1: signing certificates set cA=true and keyCertSign.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(UriSan("spiffe://" + trustDomain));
        return request.CreateSelfSigned(now - Backdate, now + lifetime);
    }

    /// <summary>
    /// Signs a workload's X.509-SVID for <paramref name="spiffeId"/> over <paramref name="publicKey"/>: a TLS client and
    /// server certificate. The leaf never outlives the CA.
    /// </summary>
    public static X509Certificate2 IssueLeaf(X509Certificate2 ca, ECDsa caKey, string spiffeId, PublicKey publicKey, DateTimeOffset now, TimeSpan lifetime) =>
        IssueLeaf(ca, caKey, spiffeId, publicKey, now, lifetime, NewSerial(), toolCredential: null);

    /// <summary>
    /// Signs a leaf for <paramref name="spiffeId"/> over <paramref name="publicKey"/> with <paramref name="serial"/>
    /// (<see cref="NewSerial"/>). With <paramref name="toolCredential"/> (<see cref="ToolCredentialExtension.Create"/>) it is a
    /// tool credential: clientAuth only, so it can never serve TLS as the agent. The leaf never outlives the CA.
    /// </summary>
    public static X509Certificate2 IssueLeaf(X509Certificate2 ca, ECDsa caKey, string spiffeId, PublicKey publicKey, DateTimeOffset now, TimeSpan lifetime, byte[] serial, X509Extension? toolCredential)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(caKey);
        ArgumentNullException.ThrowIfNull(publicKey);
        var request = new CertificateRequest(new X500DistinguishedName("O=Mandate"), publicKey, HashAlgorithmName.SHA256);
        // X509-SVID spec §4.1/§4.3: leaves are not CAs and carry digitalSignature; §2: exactly one URI SAN.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(toolCredential is null ? [ClientAuth, ServerAuth] : [ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(UriSan(spiffeId));
        if (toolCredential is not null)
        {
            request.CertificateExtensions.Add(toolCredential);
        }

        var notAfter = now + lifetime;
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (notAfter > caNotAfter)
        {
            notAfter = caNotAfter;
        }

        return request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - Backdate, notAfter, serial);
    }

    /// <summary>A fresh leaf serial, known before signing so a tool credential can state its own id (<c>x509_&lt;serial&gt;</c>).</summary>
    public static byte[] NewSerial()
    {
        // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random bytes, top bit clear.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    /// <summary>
    /// A SAN holding exactly <paramref name="uri"/>, written as is: System.Uri would normalise it (a trust domain's
    /// ID would gain a trailing '/'), and SPIFFE IDs are compared as strings.
    /// </summary>
    private static X509Extension UriSan(string uri)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
        }

        return new X509Extension(new Oid("2.5.29.17"), writer.Encode(), false);
    }

    /// <summary>The only URI SAN of <paramref name="certificate"/>, or null when it has none or several (then it is no SVID).</summary>
    public static string? SpiffeIdOf(X509Certificate2 certificate)
    {
        var uris = SubjectAltNames.ReadUris(certificate, out var error);
        return error is null && uris.Count == 1 ? uris[0] : null;
    }
}
