using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;

namespace Mandate.Core.Tests.Attestation;

public sealed class X509SvidValidatorTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly X509SvidValidator _validator;

    public X509SvidValidatorTests()
    {
        _ca = SvidTestCertificates.SelfSignedCa("CN=acme CA", _caKey, _time.GetUtcNow());
        _validator = new X509SvidValidator([new X509TrustBundleOptions("acme.example", "ca.pem", [_ca])], _time);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Leaf(Action<CertificateRequest> extensions)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=SPIRE", key, HashAlgorithmName.SHA256);
        extensions(request);
        return request.Create(_ca, _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddHours(1), RandomNumberGenerator.GetBytes(8));
    }

    private static void San(CertificateRequest request, params string[] uris)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("agent.acme.example");
        foreach (var uri in uris)
        {
            san.AddUri(new Uri(uri));
        }

        request.CertificateExtensions.Add(san.Build());
    }

    [Fact]
    public void Validate_SvidWithDnsAndOneUriSan_ReturnsItsSpiffeIdAndThumbprintEvidence()
    {
        using var leaf = Leaf(r => San(r, "spiffe://acme.example/agents/support"));
        var result = _validator.Validate(leaf);
        Assert.Equal("spiffe://acme.example/agents/support", result.Identity?.SpiffeId);
        Assert.Equal(Mandate.SenderConstraint.CertificateThumbprint.X5tS256(leaf), result.Identity?.Evidence.KeyId);
    }

    private static X509Extension RawUriSan(params string[] uris) => SvidTestCertificates.UriSan(critical: false, uris);

    [Fact]
    public void Validate_TrustDomainIdWithoutPath_IsRefused()
    {
        // X509-SVID §5.2: a leaf's SPIFFE ID must have a non-root path; spiffe://acme.example names the domain, not a workload.
        using var leaf = Leaf(r => r.CertificateExtensions.Add(RawUriSan("spiffe://acme.example")));
        var result = _validator.Validate(leaf);
        Assert.Null(result.Identity);
        Assert.Contains("no path", result.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.5.29.19", true)]
    [InlineData("2.5.29.15", true)]
    [InlineData("2.5.29.37", false)]
    public void Invariant7_MalformedConstraintOrUsageExtension_IsRefusedNotThrown(string oid, bool critical)
    {
        // An ASN.1 NULL where basicConstraints, keyUsage or extKeyUsage belongs: the certificate says nothing we can judge.
        using var leaf = Leaf(r =>
        {
            r.CertificateExtensions.Add(RawUriSan("spiffe://acme.example/agents/support"));
            r.CertificateExtensions.Add(new X509Extension(oid, [0x05, 0x00], critical));
        });
        var result = _validator.Validate(leaf);
        Assert.Null(result.Identity);
        Assert.Contains("not valid DER", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Invariant7_RepeatedSubjectAltNameExtension_IsRefused()
    {
        // Issued with a stand-in OID (CertificateRequest refuses a repeated one), then renamed to a second SAN.
        // The signature no longer verifies; the repetition is refused before the chain is looked at.
        using var issued = Leaf(r =>
        {
            r.CertificateExtensions.Add(RawUriSan("spiffe://acme.example/agents/support"));
            r.CertificateExtensions.Add(new X509Extension("2.5.29.99", RawUriSan("spiffe://acme.example/agents/admin").RawData, false));
        });
        var der = issued.RawData;
        var at = der.AsSpan().IndexOf((byte[])[0x06, 0x03, 0x55, 0x1D, 0x63]);
        der[at + 4] = 0x11;
        using var leaf = X509CertificateLoader.LoadCertificate(der);

        var result = _validator.Validate(leaf);
        Assert.Equal(2, leaf.Extensions.Cast<X509Extension>().Count(e => e.Oid?.Value == "2.5.29.17"));
        Assert.Null(result.Identity);
        Assert.Contains("repeats the extension 2.5.29.17", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoUriSan_IsRefused()
    {
        using var leaf = Leaf(r => San(r));
        Assert.Contains("0 URI SANs", _validator.Validate(leaf).Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UriSanThatIsNotSpiffe_IsRefused()
    {
        using var leaf = Leaf(r => San(r, "https://acme.example/agents/support"));
        Assert.Contains("not a SPIFFE ID", _validator.Validate(leaf).Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyCertSignOnLeaf_IsRefused()
    {
        using var leaf = Leaf(r =>
        {
            San(r, "spiffe://acme.example/agents/support");
            r.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        });
        Assert.Contains("key usage", _validator.Validate(leaf).Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.CrlSign)]
    [InlineData(X509KeyUsageFlags.KeyAgreement)]
    [InlineData(X509KeyUsageFlags.KeyEncipherment)]
    public void Validate_LeafKeyUsageWithCrlSignOrWithoutDigitalSignature_IsRefused(X509KeyUsageFlags usage)
    {
        // X509-SVID §4.3: leaf SVIDs MUST set digitalSignature and MUST NOT set keyCertSign or cRLSign (§5.2).
        using var leaf = Leaf(r =>
        {
            r.CertificateExtensions.Add(RawUriSan("spiffe://acme.example/agents/support"));
            r.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        });
        var result = _validator.Validate(leaf);
        Assert.Null(result.Identity);
        Assert.Contains("key usage", result.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SPIFFE://acme.example/agents/support")]
    [InlineData("Spiffe://acme.example/agents/support")]
    [InlineData("spiffe://ACME.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/support?tenant=acme")]
    [InlineData("spiffe://acme.example/agents/support#admin")]
    [InlineData("spiffe://acme.example/agents/%73upport")]
    [InlineData("spiffe://acme.example/agents/../admin")]
    [InlineData("spiffe://acme.example/agents/support/")]
    [InlineData("spiffe://acme.example:443/agents/support")]
    [InlineData("spiffe://agent@acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/support\u0000")]
    public void Validate_UriSanThatIsNoValidSpiffeId_IsRefused(string uri)
    {
        // X509-SVID §5.2: the validator MUST ensure the scheme is spiffe; SPIFFE-ID §2 gives the rest of the syntax.
        using var leaf = Leaf(r => r.CertificateExtensions.Add(RawUriSan(uri)));
        var result = _validator.Validate(leaf);
        Assert.Null(result.Identity);
        Assert.Contains("not a SPIFFE ID", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeafWithoutSubjectAndACriticalUriSan_IsAccepted()
    {
        // X509-SVID §3.1: the Subject field is not required; the URI SAN is then critical (RFC 5280 §4.1.2.6).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(SvidTestCertificates.UriSan(critical: true, "spiffe://acme.example/agents/support"));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var leaf = request.Create(_ca, _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddHours(1), RandomNumberGenerator.GetBytes(8));

        var result = _validator.Validate(leaf);

        Assert.Null(result.Failure);
        Assert.Equal("spiffe://acme.example/agents/support", result.Identity?.SpiffeId);
    }

    [Fact]
    public void Validate_AfterNotAfter_IsRefused()
    {
        using var leaf = Leaf(r => San(r, "spiffe://acme.example/agents/support"));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Contains("outside its validity", _validator.Validate(leaf).Failure, StringComparison.Ordinal);
    }
}
