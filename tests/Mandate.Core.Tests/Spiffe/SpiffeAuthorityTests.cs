using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Spiffe;
using Mandate.SenderConstraint;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Spiffe;

public sealed class SpiffeAuthorityTests : SpiffeAuthorityTest
{
    private const string Agent = "spiffe://acme.example/agents/support";

    [Fact]
    public void CaCertificate_IsACaForTheTrustDomainOnly()
    {
        var ca = Authority.CaCertificate;

        var constraints = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = Assert.Single(ca.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.Equal("spiffe://acme.example", SpiffeCertificates.SpiffeIdOf(ca));
        Assert.Equal(Env.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromDays(365), ca.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void IssueX509Svid_LeafNamesExactlyOneSpiffeIdIsNotACaAndChainsToTheCa()
    {
        using var svid = Authority.IssueX509Svid(Agent, TimeSpan.FromHours(1));
        var leaf = svid.Certificate;

        Assert.Equal(Agent, SpiffeCertificates.SpiffeIdOf(leaf));
        Assert.False(Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(leaf.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        var eku = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
        Assert.Equal(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"], eku);
        // A workload's own SVID is its identity, never a tool credential: the broker would refuse it as one.
        Assert.False(ToolCredentialExtension.IsPresent(leaf));
        var aki = Assert.Single(leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        var caSki = Assert.Single(Authority.CaCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(caSki.SubjectKeyIdentifier, Convert.ToHexString(aki.KeyIdentifier!.Value.Span));
        Assert.Equal(Env.Clock.GetUtcNow().UtcDateTime.AddHours(1), leaf.NotAfter.ToUniversalTime());
        Assert.Equal(Env.Clock.GetUtcNow().UtcDateTime - SpiffeCertificates.Backdate, leaf.NotBefore.ToUniversalTime());
        Assert.True(Chains(leaf, Authority.CaCertificate), "the leaf must chain to the CA");
        Assert.NotNull(svid.PrivateKey);
        Assert.Contains("BEGIN PRIVATE KEY", svid.PrivateKeyPem(), StringComparison.Ordinal);
    }

    [Fact]
    public void IssueX509Svid_ChainCheckedAgainstAnotherCa_Fails()
    {
        using var svid = Authority.IssueX509Svid(Agent, TimeSpan.FromHours(1));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = SpiffeCertificates.CreateCa(otherKey, "acme.example", Env.Clock.GetUtcNow(), TimeSpan.FromDays(30));

        Assert.False(Chains(svid.Certificate, otherCa));
    }

    [Fact]
    public void IssueX509Svid_TwoLeaves_HaveDistinctPositiveSerialsAndKeys()
    {
        using var a = Authority.IssueX509Svid(Agent, TimeSpan.FromMinutes(5));
        using var b = Authority.IssueX509Svid(Agent, TimeSpan.FromMinutes(5));

        Assert.NotEqual(a.Serial, b.Serial);
        Assert.True(Convert.FromHexString(a.Serial)[0] < 0x80);
        Assert.NotEqual(a.Certificate.GetPublicKeyString(), b.Certificate.GetPublicKeyString());
    }

    [Theory]
    [InlineData("spiffe://other.example/agents/x")]
    [InlineData("spiffe://acme.example")]
    [InlineData("https://acme.example/agents/x")]
    public void IssueX509Svid_IdOutsideTheTrustDomainOrWithoutPath_Throws(string id) =>
        Assert.Throws<ArgumentException>(() => Authority.IssueX509Svid(id, TimeSpan.FromMinutes(5)));

    [Fact]
    public void IssueX509Svid_LifetimeOver24h_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Authority.IssueX509Svid(Agent, TimeSpan.FromHours(25)));

    [Fact]
    public void IssueToolCredentialForCsr_UsesOnlyTheCsrKeyAndIgnoresItsNames()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=evil", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://acme.example/agents/admin"));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));

        using var svid = Authority.IssueToolCredentialForCsr(Agent, request.CreateSigningRequest(), TimeSpan.FromMinutes(10), Grant);

        Assert.Null(svid.PrivateKey);
        Assert.Equal(Agent, SpiffeCertificates.SpiffeIdOf(svid.Certificate));
        Assert.False(svid.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), svid.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
        // The extension states the id the certificate's own serial gives it.
        Assert.Equal(ToolCredentialExtension.JtiOf(svid.Serial), ToolCredentialExtension.Read(svid.Certificate, out _)?.Jti);
    }

    private static ToolCertificateClaims Grant(string jti) => new()
    {
        Audience = "https://tool.example",
        Tool = "tool",
        Tenant = "acme",
        Scope = "tool:read",
        Jti = jti,
        PolicyVersion = "pv1",
        DecisionId = "dec_1",
    };

    [Theory]
    [InlineData("1.3.132.0.10")]            // secp256k1
    [InlineData("1.3.36.3.3.2.8.1.1.7")]    // brainpoolP256r1
    public void IssueToolCredentialForCsr_256BitKeyOnAnotherCurve_Throws(string curveOid)
    {
        // Only P-256 and P-384 are certified; another 256-bit curve is not P-256 because its key is as long.
        using var key = ECDsa.Create(ECCurve.CreateFromValue(curveOid));
        var csr = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();

        var e = Assert.ThrowsAny<CryptographicException>(() => Authority.IssueToolCredentialForCsr(Agent, csr, TimeSpan.FromMinutes(10), Grant));
        Assert.Contains("P-256 or P-384", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IssueToolCredentialForCsr_TamperedSignature_Throws()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        csr[^3] ^= 0x5A;

        Assert.ThrowsAny<CryptographicException>(() => Authority.IssueToolCredentialForCsr(Agent, csr, TimeSpan.FromMinutes(10), Grant));
    }

    [Fact]
    public async Task IssueJwtSvid_VerifiesWithTheBundleKeyAndCarriesSpiffeClaims()
    {
        var svid = Authority.IssueJwtSvid(Agent, "https://broker.acme.example", TimeSpan.FromMinutes(5));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(svid.Token, new TokenValidationParameters
        {
            ValidIssuer = Authority.JwtIssuer,
            ValidAudience = "https://broker.acme.example",
            IssuerSigningKeys = Authority.Current.JwtPublished,
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("JWT", jwt.Typ);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(Agent, jwt.Subject);
        Assert.Equal(Authority.Current.JwtActive.Kid, jwt.Kid);
        Assert.Equal(Env.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        Assert.EndsWith("/spiffe", Authority.JwtIssuer, StringComparison.Ordinal);
    }

    [Fact]
    public void IssueJwtSvid_LifetimeOverAnHour_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Authority.IssueJwtSvid(Agent, "aud", TimeSpan.FromMinutes(61)));

    [Fact]
    public void BundleJson_HasTheCaAsX509SvidKeyAndTheJwtKeyAsJwtSvidKey()
    {
        using var doc = JsonDocument.Parse(Authority.BundleJson);
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();

        var x509 = Assert.Single(keys, k => k.GetProperty("use").GetString() == "x509-svid");
        Assert.Equal("EC", x509.GetProperty("kty").GetString());
        Assert.Equal("P-256", x509.GetProperty("crv").GetString());
        var der = Convert.FromBase64String(Assert.Single(x509.GetProperty("x5c").EnumerateArray()).GetString()!);
        Assert.Equal(Authority.CaCertificate.RawData, der);
        var jwt = Assert.Single(keys, k => k.GetProperty("use").GetString() == "jwt-svid");
        Assert.Equal(Authority.Current.JwtActive.Kid, jwt.GetProperty("kid").GetString());
        Assert.False(jwt.TryGetProperty("d", out _));
        Assert.False(x509.TryGetProperty("d", out _));
        Assert.True(doc.RootElement.GetProperty("spiffe_sequence").GetInt64() > 0);
        Assert.Equal(300, doc.RootElement.GetProperty("spiffe_refresh_hint").GetInt64());
    }

    [Fact]
    public async Task RefreshAsync_NewProcessSameStore_ReusesTheSealedCa()
    {
        using var again = new SpiffeAuthority(Env.Store, Kek, Options, Env.Clock);
        await again.RefreshAsync(Env.Ct);

        Assert.Equal(Authority.CaCertificate.RawData, again.CaCertificate.RawData);
        Assert.Equal(Authority.Current.JwtActive.Kid, again.Current.JwtActive.Kid);
        var stored = Assert.Single(await Env.Store.ListKeysAsync(KeyPurposes.SpiffeCa, Env.Ct));
        var pkcs8 = Authority.CaCertificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey();
        Assert.DoesNotContain(Convert.ToBase64String(pkcs8), Convert.ToBase64String(stored.SealedPrivateKey), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_WrongKeyEncryptionKey_RefusesToStart()
    {
        using var wrong = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        using var other = new SpiffeAuthority(Env.Store, wrong, Options, Env.Clock);

        var e = await Assert.ThrowsAsync<MandateConfigException>(() => other.RefreshAsync(Env.Ct));
        Assert.Contains("cannot unseal spiffe-ca key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_CaNearExpiry_RenewsAndKeepsTheOldCaInTheBundle()
    {
        var old = Authority.CaCertificate.RawData;
        Env.Clock.Advance(TimeSpan.FromDays(330));

        await Authority.RefreshAsync(Env.Ct);

        Assert.NotEqual(old, Authority.CaCertificate.RawData);
        Assert.Equal(2, Authority.Current.BundleCertificates.Count);
        using var svid = Authority.IssueX509Svid(Agent, TimeSpan.FromHours(24));
        Assert.True(Chains(svid.Certificate, Authority.CaCertificate));
    }

    private bool Chains(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Env.Clock.GetUtcNow().UtcDateTime;
        return chain.Build(leaf);
    }
}
