using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// X.509-SVIDs issued below an intermediate signing certificate: the path from the leaf to the trust domain's bundle
/// must be a valid RFC 5280 path (X509-SVID §5.1), so a signing certificate that is no CA, may not sign certificates
/// or is constrained to another trust domain breaks it.
/// </summary>
public sealed class X509SvidPathTests : IDisposable
{
    private const string Agent = "spiffe://partner.example/agents/support";

    private readonly ManualTimeProvider _time = new();
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _root;
    private readonly X509SvidValidator _validator;
    private readonly List<IDisposable> _owned = [];

    public X509SvidPathTests()
    {
        _root = SvidTestCertificates.SelfSignedCa("CN=partner root", _rootKey, _time.GetUtcNow());
        _validator = new X509SvidValidator([new X509TrustBundleOptions("partner.example", "partner.pem", [_root])], _time);
    }

    public void Dispose()
    {
        _owned.ForEach(o => o.Dispose());
        _root.Dispose();
        _rootKey.Dispose();
    }

    /// <summary>A signing certificate below the root, with the given CA flag, key usage and optional URI name constraint.</summary>
    private (X509Certificate2 Certificate, ECDsa Key) Intermediate(bool isCa, X509KeyUsageFlags usage, string? permittedUriHost = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(key);
        var request = new CertificateRequest("CN=partner intermediate", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_root, true, false));
        request.CertificateExtensions.Add(SvidTestCertificates.UriSan(critical: false, "spiffe://partner.example"));
        if (permittedUriHost is not null)
        {
            request.CertificateExtensions.Add(PermittedUri(permittedUriHost));
        }

        var certificate = request.Create(_root, _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddDays(7), RandomNumberGenerator.GetBytes(8));
        _owned.Add(certificate);
        return (certificate, key);
    }

    private X509Certificate2 Leaf((X509Certificate2 Certificate, ECDsa Key) issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=SPIRE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        request.CertificateExtensions.Add(SvidTestCertificates.UriSan(critical: false, Agent));
        var leaf = request.Create(issuer.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuer.Key), _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddHours(1), RandomNumberGenerator.GetBytes(8));
        _owned.Add(leaf);
        return leaf;
    }

    /// <summary>nameConstraints (RFC 5280 §4.2.1.10) permitting only URIs whose host is <paramref name="host"/>.</summary>
    private static X509Extension PermittedUri(string host)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, host, new Asn1Tag(TagClass.ContextSpecific, 6));
        }

        return new X509Extension("2.5.29.30", writer.Encode(), true);
    }

    private WorkloadIdentity? Validate(X509Certificate2 leaf, X509Certificate2 intermediate, out string? failure)
    {
        var result = _validator.Validate(leaf, [intermediate]);
        failure = result.Failure;
        return result.Identity;
    }

    [Fact]
    public void Validate_LeafBelowAnIntermediateCaOfItsTrustDomain_IsAccepted()
    {
        var intermediate = Intermediate(isCa: true, X509KeyUsageFlags.KeyCertSign, permittedUriHost: "partner.example");

        Assert.Equal(Agent, Validate(Leaf(intermediate), intermediate.Certificate, out var failure)?.SpiffeId);
        Assert.Null(failure);
    }

    [Fact]
    public void Validate_LeafSignedByACertificateThatIsNoCa_IsRefused()
    {
        // X509-SVID §4.1: signing certificates MUST set cA to true; §5.1: RFC 5280 path validation refuses such a path.
        var notACa = Intermediate(isCa: false, X509KeyUsageFlags.KeyCertSign);

        Assert.Null(Validate(Leaf(notACa), notACa.Certificate, out var failure));
        Assert.Contains("does not chain", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeafSignedByACaWithoutKeyCertSign_IsRefused()
    {
        // X509-SVID §4.3: SVID signing certificates MUST set keyCertSign (RFC 5280 §4.2.1.3, §6.1.4 (n)).
        var withoutKeyCertSign = Intermediate(isCa: true, X509KeyUsageFlags.DigitalSignature);

        Assert.Null(Validate(Leaf(withoutKeyCertSign), withoutKeyCertSign.Certificate, out var failure));
        Assert.Contains("does not chain", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeafOutsideItsSigningCertificatesNameConstraints_IsRefused()
    {
        // X509-SVID §4.2: every SPIFFE ID below a name-constrained signing certificate MUST lie in the named trust domain.
        var constrained = Intermediate(isCa: true, X509KeyUsageFlags.KeyCertSign, permittedUriHost: "acme.example");

        Assert.Null(Validate(Leaf(constrained), constrained.Certificate, out var failure));
        Assert.Contains("does not chain", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("partner.example", true)]
    [InlineData("acme.example", false)]
    public void Validate_IntermediateConfiguredInTheBundle_ItsNameConstraintsStillApply(string permitted, bool accepted)
    {
        // docs/sender-constraint.md: intermediates go in the bundle; X509-SVID §4.2 holds for them there too.
        var intermediate = Intermediate(isCa: true, X509KeyUsageFlags.KeyCertSign, permittedUriHost: permitted);
        var validator = new X509SvidValidator([new X509TrustBundleOptions("partner.example", "partner.pem", [_root, intermediate.Certificate])], _time);

        var result = validator.Validate(Leaf(intermediate));

        Assert.Equal(accepted ? Agent : null, result.Identity?.SpiffeId);
    }

    [Fact]
    public void Validate_LeafWithoutItsIntermediate_IsRefused()
    {
        var intermediate = Intermediate(isCa: true, X509KeyUsageFlags.KeyCertSign);

        var result = _validator.Validate(Leaf(intermediate));

        Assert.Null(result.Identity);
        Assert.Contains("does not chain", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TheIntermediateItselfPresentedAsTheClientCertificate_IsRefused()
    {
        // X509-SVID §3.2: signing certificates MUST NOT be used for authentication; §5.2: the leaf's cA must be false.
        var intermediate = Intermediate(isCa: true, X509KeyUsageFlags.KeyCertSign);

        var result = _validator.Validate(intermediate.Certificate);

        Assert.Null(result.Identity);
        Assert.NotNull(result.Failure);
    }
}
