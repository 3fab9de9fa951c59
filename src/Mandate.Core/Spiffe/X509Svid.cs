using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mandate.Core.Spiffe;

/// <summary>
/// An X.509-SVID (SPIFFE X509-SVID spec): a leaf certificate naming one SPIFFE ID, the key it certifies
/// when Mandate generated it (null when the caller sent a CSR and keeps its own key), and the chain up to,
/// not including, the trust anchor in the bundle.
/// </summary>
public sealed class X509Svid : IDisposable
{
    public X509Svid(string spiffeId, X509Certificate2 certificate, ECDsa? privateKey, IReadOnlyList<X509Certificate2> chain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        SpiffeId = spiffeId;
        Certificate = certificate;
        PrivateKey = privateKey;
        Chain = chain;
    }

    public string SpiffeId { get; }

    /// <summary>The leaf.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The leaf's private key when Mandate generated it; never stored, never logged.</summary>
    public ECDsa? PrivateKey { get; }

    /// <summary>Leaf first; intermediates (none today: the CA signs leaves directly). The root is in the bundle.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>Serial number in hex (upper case), as audited.</summary>
    public string Serial => Certificate.SerialNumber;

    public DateTimeOffset ExpiresAt => new(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>The chain as concatenated PEM certificates, leaf first.</summary>
    public string CertificateChainPem()
    {
        var pem = new StringBuilder();
        foreach (var cert in Chain)
        {
            pem.Append(PemEncoding.WriteString("CERTIFICATE", cert.RawData)).Append('\n');
        }

        return pem.ToString();
    }

    /// <summary>The private key as unencrypted PKCS#8 PEM; throws when the caller holds its own key.</summary>
    public string PrivateKeyPem() =>
        (PrivateKey ?? throw new InvalidOperationException("this SVID was issued for a CSR; the caller holds the key")).ExportPkcs8PrivateKeyPem();

    public void Dispose()
    {
        PrivateKey?.Dispose();
        foreach (var cert in Chain)
        {
            cert.Dispose();
        }
    }
}
