using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Credentials.X509;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Mandate.Core.Spiffe;
using Mandate.Core.Tests.Keys;
using Mandate.SenderConstraint;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Credentials;

public sealed class X509CredentialKindTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly ToolOptions Tool = new() { Name = "mtls-api", Resource = "https://tool.example", Scopes = ["cloud:assume"], Kind = CredentialKind.X509 };
    private readonly KeyEncryptionKey _kek = new(RandomNumberGenerator.GetBytes(32));
    private readonly ECDsa _agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private KeyRingEnvironment _env = null!;
    private SpiffeAuthority _authority = null!;

    public async Task InitializeAsync()
    {
        _env = await KeyRingEnvironment.StartAsync();
        _authority = new SpiffeAuthority(_env.Store, _kek, _env.Options with { TrustDomain = "acme.example", Spiffe = new SpiffeOptions { Enabled = true } }, _env.Clock);
        await _authority.RefreshAsync(_env.Ct);
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public void Dispose()
    {
        _authority.Dispose();
        _kek.Dispose();
        _agentKey.Dispose();
    }

    [Fact]
    public async Task MintAsync_ValidCsr_ReturnsLeafForTheAgentWithSerialAsJti_AndWritesNothing()
    {
        var kind = new X509CredentialKind(_authority);
        var auditBefore = await AuditCountAsync();
        var request = Request(Base64UrlEncoder.Encode(Csr(_agentKey)));

        var result = await kind.MintAsync(request, _env.Ct);

        Assert.False(result.Failed(out _, out var minted));
        using var leaf = X509Certificate2.CreateFromPem(minted.Value);
        Assert.Equal(KindRequests.Agent, SpiffeCertificates.SpiffeIdOf(leaf));
        Assert.Equal(_agentKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal((X509CredentialKind.X509TokenType, "N_A"), (minted.IssuedTokenType, minted.TokenType));
        Assert.Equal(_authority.CaCertificate.SerialNumber, minted.Kid);
        var claims = Assert.IsType<Mandate.Core.Minting.CredentialClaims>(minted.Claims);
        Assert.Equal("x509_" + leaf.SerialNumber.ToLowerInvariant(), claims.Jti);
        Assert.Equal(new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero), claims.ExpiresAt);
        Assert.Null(claims.Confirmation);
        Assert.Equal("x509", minted.Evidence["credential_kind"]);
        Assert.Equal(leaf.SerialNumber, minted.Evidence["serial"]);
        Assert.Equal(KindRequests.Agent, minted.Evidence["spiffe_id"]);
        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(_agentKey.ExportSubjectPublicKeyInfo())), minted.Evidence["public_key_sha256"]);
        // The certificate states the decided action, as the JWT kinds' claims do, and is for TLS clients only.
        var stated = ToolCredentialExtension.Read(leaf, out var error);
        Assert.Null(error);
        Assert.Equal(
            new ToolCertificateClaims
            {
                Audience = Tool.Resource, Tool = Tool.Name, Tenant = "acme", User = "alice", Run = "run_1", Scope = "cloud:assume",
                Jti = claims.Jti, PolicyVersion = "pv1", DecisionId = "dec_1",
            },
            stated);
        Assert.False(leaf.Extensions[ToolCredentialExtension.Oid]!.Critical);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        Assert.Empty(minted.SideRows.Of<Mandate.Core.Audit.AuditEvent>());
        Assert.Null(minted.Compensate);
        Assert.Equal(auditBefore, await AuditCountAsync());
        Assert.False(kind.IssuableAfterApproval);
    }

    [Fact]
    public async Task MintAsync_BackgroundWorkOutsideUser_StatesNoUser()
    {
        var request = Request(Base64UrlEncoder.Encode(Csr(_agentKey))) with { User = null };

        var result = await new X509CredentialKind(_authority).MintAsync(request, _env.Ct);

        Assert.False(result.Failed(out _, out var minted));
        using var leaf = X509Certificate2.CreateFromPem(minted.Value);
        var stated = ToolCredentialExtension.Read(leaf, out _);
        Assert.NotNull(stated);
        Assert.Null(stated.User);
        Assert.Equal("run_1", stated.Run);
    }

    [Fact]
    public async Task MintAsync_PemCsr_IsAccepted()
    {
        var pem = PemEncoding.WriteString("CERTIFICATE REQUEST", Csr(_agentKey));

        var result = await new X509CredentialKind(_authority).MintAsync(Request(pem), _env.Ct);

        Assert.False(result.Failed(out _, out _));
    }

    [Fact]
    public async Task MintAsync_SpiffeOff_RefusesInvalidTarget()
    {
        var result = await new X509CredentialKind(null).MintAsync(Request(Base64UrlEncoder.Encode(Csr(_agentKey))), _env.Ct);

        AssertRefused(result, CredentialChecks.SpiffeCaDisabled, "invalid_target", "spiffe.enabled: true");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    [InlineData("not base64 !!")]
    public async Task MintAsync_NoUsableCsr_RefusesCsrMissing(string? csr)
    {
        var result = await new X509CredentialKind(_authority).MintAsync(Request(csr), _env.Ct);

        AssertRefused(result, CredentialChecks.CsrMissing, "invalid_request", "send a PKCS#10 certificate request");
    }

    [Fact]
    public async Task MintAsync_CsrWithBrokenSignature_RefusesCsrInvalid()
    {
        var der = Csr(_agentKey);
        der[^1] ^= 0x01;

        var result = await new X509CredentialKind(_authority).MintAsync(Request(Base64UrlEncoder.Encode(der)), _env.Ct);

        AssertRefused(result, CredentialChecks.CsrInvalid, "invalid_request", "signed by its own P-256 or P-384 key");
    }

    [Fact]
    public async Task MintAsync_RsaCsr_RefusesCsrInvalid()
    {
        using var rsa = RSA.Create(2048);
        var der = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();

        var result = await new X509CredentialKind(_authority).MintAsync(Request(Base64UrlEncoder.Encode(der)), _env.Ct);

        AssertRefused(result, CredentialChecks.CsrInvalid, "invalid_request", "mandate_csr");
    }

    private CredentialRequest Request(string? csr) => KindRequests.For(Tool, _env.Clock.GetUtcNow(), Lifetime) with { Csr = csr };

    private static byte[] Csr(ECDsa key) => new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();

    private static void AssertRefused(Result<MintedCredential> result, Check check, string error, string hint)
    {
        Assert.True(result.Failed(out var refusal, out _));
        Assert.Equal((check.Id, error), (refusal.CheckId, refusal.Error));
        Assert.Contains(hint, refusal.Description, StringComparison.Ordinal);
    }

    private async Task<int> AuditCountAsync()
    {
        var count = 0;
        await foreach (var _ in _env.Store.ReadAuditAsync(new AuditQuery(), _env.Ct))
        {
            count++;
        }

        return count;
    }
}
