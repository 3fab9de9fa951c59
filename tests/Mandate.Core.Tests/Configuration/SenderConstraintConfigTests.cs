using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

public sealed class SenderConstraintConfigTests
{
    [Fact]
    public void Defaults_are_plain_http_without_bundles_and_dpop_without_nonce()
    {
        var options = Parse(Minimal);
        Assert.Null(options.SenderConstraint.Tls);
        Assert.Empty(options.SenderConstraint.X509TrustBundles);
        Assert.False(options.SenderConstraint.Dpop.RequireNonce);
        Assert.Equal(["ES256", "PS256", "RS256"], options.SenderConstraint.Dpop.AllowedAlgorithms);
    }

    [Fact]
    public void Https_listener_and_trust_bundles_load_from_pem()
    {
        using var dir = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(dir.File("server.pem"), cert.ExportCertificatePem());
        File.WriteAllText(dir.File("server.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(dir.File("ca.pem"), cert.ExportCertificatePem());

        var options = ConfigLoader.Parse(Minimal + """

            listen: https://127.0.0.1:8443
            tls: { certificate_file: server.pem, key_file: server.key }
            x509_trust_bundles:
              - { trust_domain: acme.example, bundle_file: ca.pem }
            dpop: { require_nonce: true, allowed_algorithms: [ES256] }
            """, dir.File("mandate.yaml"));

        Assert.Equal(dir.File("server.pem"), options.SenderConstraint.Tls!.CertificateFile);
        Assert.Single(Assert.Single(options.SenderConstraint.X509TrustBundles).Authorities);
        Assert.True(options.SenderConstraint.Dpop.RequireNonce);
        Assert.Equal(["ES256"], options.SenderConstraint.Dpop.AllowedAlgorithms);
    }

    [Fact]
    public void Every_sender_constraint_problem_is_reported()
    {
        var problems = Problems(Minimal + """

            listen: https://127.0.0.1:8443
            x509_trust_bundles:
              - { trust_domain: Acme, bundle_file: ca.pem }
              - { trust_domain: partner.example, bundle_file: missing.pem }
            dpop: { allowed_algorithms: [HS256, none], iat_window: 1h }
            """);

        Assert.Contains(problems, p => p.Path == "listen" && p.Message.Contains("needs tls", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "x509_trust_bundles" && p.Message.Contains("over mutual TLS", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "x509_trust_bundles[0].trust_domain");
        Assert.Contains(problems, p => p.Path == "x509_trust_bundles[1].bundle_file" && p.Message.Contains("missing.pem", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "dpop.allowed_algorithms" && p.Message.Contains("'HS256' is not allowed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "dpop.allowed_algorithms" && p.Message.Contains("'none' is not allowed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "dpop.iat_window");
    }

    [Fact]
    public void Bundle_authority_with_a_weak_rsa_key_is_refused_at_start()
    {
        using var dir = new TempDirectory();
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var server = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(dir.File("server.pem"), server.ExportCertificatePem());
        File.WriteAllText(dir.File("server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        using var caKey = RSA.Create(1024);
        var request = new CertificateRequest("CN=weak CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(dir.File("ca.pem"), ca.ExportCertificatePem());

        Assert.Contains("a 1024-bit RSA key", OnlyBundleProblem(dir, "ca.pem"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, X509KeyUsageFlags.DigitalSignature)]
    [InlineData(true, X509KeyUsageFlags.DigitalSignature)]
    public void Bundle_certificate_marked_as_not_a_ca_is_refused(bool isCa, X509KeyUsageFlags usage)
    {
        // X509-SVID §3.2/§6: a bundle holds signing certificates (cA=true, keyCertSign). A leaf SVID put there would
        // become a trust anchor, and the one holding its key would authenticate with it as is.
        using var dir = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://acme.example/agents/support"));
        request.CertificateExtensions.Add(san.Build());
        using var leaf = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(dir.File("server.pem"), leaf.ExportCertificatePem());
        File.WriteAllText(dir.File("server.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(dir.File("leaf.pem"), leaf.ExportCertificatePem());

        Assert.Contains("is not a CA certificate", OnlyBundleProblem(dir, "leaf.pem"), StringComparison.Ordinal);
    }

    /// <summary>The one problem of an HTTPS configuration (server.pem, server.key) whose only bundle is <paramref name="bundle"/>.</summary>
    private static string OnlyBundleProblem(TempDirectory dir, string bundle)
    {
        var e = Assert.Throws<MandateConfigException>(() => ConfigLoader.Parse(Minimal + $$"""

            listen: https://127.0.0.1:8443
            tls: { certificate_file: server.pem, key_file: server.key }
            x509_trust_bundles:
              - { trust_domain: acme.example, bundle_file: {{bundle}} }
            """, dir.File("mandate.yaml")));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("x509_trust_bundles[0].bundle_file", problem.Path);
        return problem.Message;
    }

    [Fact]
    public void Tls_without_https_listener_or_loadable_files_is_refused()
    {
        var problems = Problems(Minimal + "\ntls: { certificate_file: a.pem, key_file: a.key }\n");
        Assert.Contains(problems, p => p.Path == "tls" && p.Message.Contains("listen is not an https:// URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "tls.certificate_file" && p.Message.Contains("cannot load", StringComparison.Ordinal));
    }
}
