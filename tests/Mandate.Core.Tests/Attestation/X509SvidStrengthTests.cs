using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;

namespace Mandate.Core.Tests.Attestation;

/// <summary>SVID chains rest on RSA ≥ 2048 bits or ECDSA P-256/384/521, signed with SHA-256 or stronger, whatever the TLS layer let through.</summary>
public sealed class X509SvidStrengthTests : IDisposable
{
    private const string Agent = "spiffe://acme.example/agents/support";
    private readonly ManualTimeProvider _time = new();
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly X509SvidValidator _validator;

    public X509SvidStrengthTests()
    {
        _ca = Authority("CN=acme CA", _caKey, HashAlgorithmName.SHA256);
        _validator = new X509SvidValidator([new X509TrustBundleOptions("acme.example", "ca.pem", [_ca])], _time);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Authority(string subject, ECDsa key, HashAlgorithmName hash)
    {
        var request = new CertificateRequest(subject, key, hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(_time.GetUtcNow().AddDays(-1), _time.GetUtcNow().AddDays(30));
    }

    private X509Certificate2 Leaf(CertificateRequest request, X509SignatureGenerator? signer = null)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(Agent));
        request.CertificateExtensions.Add(san.Build());
        return request.Create(_ca.SubjectName, signer ?? X509SignatureGenerator.CreateForECDsa(_caKey), _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddHours(1), RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>The CA's key signing with SHA-1 (ecdsa-with-SHA1), which the BCL no longer offers to write.</summary>
    private sealed class Sha1Signer(ECDsa key) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.1");
            }

            return writer.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
            key.SignData(data, HashAlgorithmName.SHA1, DSASignatureFormat.Rfc3279DerSequence);

        protected override PublicKey BuildPublicKey() => X509SignatureGenerator.CreateForECDsa(key).PublicKey;
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(1536)]
    public void Validate_LeafWithAnRsaKeyUnder2048Bits_IsRefused(int bits)
    {
        using var key = RSA.Create(bits);
        using var leaf = Leaf(new CertificateRequest("O=SPIRE", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        var result = _validator.Validate(leaf);

        Assert.Null(result.Identity);
        Assert.Contains($"a {bits}-bit RSA key", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeafWithAnEcdsaKeyOnAnotherCurve_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
        using var leaf = Leaf(new CertificateRequest("O=SPIRE", key, HashAlgorithmName.SHA256));

        var result = _validator.Validate(leaf);

        Assert.Null(result.Identity);
        Assert.Contains("an ECDSA key on", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeafSignedWithSha1_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = Leaf(new CertificateRequest("O=SPIRE", key, HashAlgorithmName.SHA256), new Sha1Signer(_caKey));

        var result = _validator.Validate(leaf);

        Assert.Null(result.Identity);
        Assert.Contains("signed with", result.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rsa2048")]
    [InlineData("p384")]
    [InlineData("p521")]
    public void Validate_LeafWithAStrongKey_IsAccepted(string kind)
    {
        using AsymmetricAlgorithm key = kind switch
        {
            "rsa2048" => RSA.Create(2048),
            "p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        };
        var request = key is RSA rsa
            ? new CertificateRequest("O=SPIRE", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("O=SPIRE", (ECDsa)key, HashAlgorithmName.SHA384);
        using var leaf = Leaf(request);

        var result = _validator.Validate(leaf);

        Assert.True(result.Identity?.SpiffeId == Agent, result.Failure);
    }
}
