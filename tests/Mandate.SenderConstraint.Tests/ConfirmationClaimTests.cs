using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mandate.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Tests;

public sealed class ConfirmationClaimTests
{
    private static X509Certificate2 NewCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public void X5tS256_IsBase64UrlSha256OfDer()
    {
        using var cert = NewCertificate("a");
        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(cert.RawData)), CertificateThumbprint.X5tS256(cert));
        Assert.DoesNotContain("=", CertificateThumbprint.X5tS256(cert), StringComparison.Ordinal);
    }

    [Fact]
    public void IsBoundTo_MtlsTokenWithoutCertificate_IsRefused()
    {
        using var cert = NewCertificate("a");
        var result = ConfirmationClaim.IsBoundTo(ConfirmationClaim.ForCertificate(cert), null, null);
        Assert.False(result.Satisfied);
        Assert.Contains("presented none", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsBoundTo_MtlsTokenWithDifferentCertificate_IsRefused()
    {
        using var cert = NewCertificate("a");
        using var other = NewCertificate("a");
        var result = ConfirmationClaim.IsBoundTo(ConfirmationClaim.ForCertificate(cert), other, null);
        Assert.False(result.Satisfied);
        Assert.Contains("different client certificate", result.FailureReason, StringComparison.Ordinal);
        Assert.True(ConfirmationClaim.IsBoundTo(ConfirmationClaim.ForCertificate(cert), cert, null).Satisfied);
    }

    [Fact]
    public void IsBoundTo_DpopTokenWithoutProofOrWithOtherKey_IsRefused()
    {
        using var key = new DpopProofs();
        using var other = new DpopProofs();
        var cnf = ConfirmationClaim.ForDpopKey(key.Thumbprint);
        Assert.False(ConfirmationClaim.IsBoundTo(cnf, null, null).Satisfied);
        Assert.False(ConfirmationClaim.IsBoundTo(cnf, null, other.Thumbprint).Satisfied);
        Assert.True(ConfirmationClaim.IsBoundTo(cnf, null, key.Thumbprint).Satisfied);
    }

    [Fact]
    public void IsBoundTo_BearerToken_IsSatisfiedAndNotConstrained()
    {
        var result = ConfirmationClaim.IsBoundTo(null, null, null);
        Assert.True(result.Satisfied);
        Assert.False(result.SenderConstrained);
    }

    [Fact]
    public void FromToken_RoundTripsThroughAMintedJwt()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cnf = new ConfirmationClaim("abc", "def");
        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { [ConfirmationNames.Cnf] = cnf.ToClaimValue() },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(signer), SecurityAlgorithms.EcdsaSha256),
        });
        Assert.Equal(cnf, ConfirmationClaim.FromToken(new JsonWebToken(jwt)));
        using var doc = JsonDocument.Parse("""{"x5t#S256": 5}""");
        Assert.Null(ConfirmationClaim.FromJson(doc.RootElement));
    }
}
