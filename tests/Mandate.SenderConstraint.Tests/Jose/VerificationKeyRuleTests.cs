using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Tests.Jose;

/// <summary>RFC 7517 §4.2/§4.3 and RFC 7518 §3.3: which keys of a fetched JWKS may verify a signature.</summary>
public sealed class VerificationKeyRuleTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("sig", null)]
    [InlineData(null, """["verify"]""")]
    [InlineData("sig", """["sign","verify"]""")]
    public void PublicEcKeyForVerifying_IsAllowed(string? use, string? keyOps) =>
        Assert.True(VerificationKeyRule.Allows(EcKey(use, keyOps)));

    [Theory]
    [InlineData("enc", null)]
    [InlineData("SIG", null)] // RFC 7517 §4.2: use values are case-sensitive
    [InlineData(null, """["encrypt","decrypt"]""")]
    [InlineData(null, """["sign"]""")]
    [InlineData("sig", """["wrapKey"]""")]
    public void Rfc7517_KeyWhoseUseOrKeyOpsIsNotVerifying_IsNotAllowed(string? use, string? keyOps) =>
        Assert.False(VerificationKeyRule.Allows(EcKey(use, keyOps)));

    [Fact]
    public void KeyWithPrivateMaterial_IsNotAllowed()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(includePrivateParameters: true);
        var jwk = EcJwk(p);
        jwk["d"] = Base64UrlEncoder.Encode(p.D);

        Assert.False(VerificationKeyRule.Allows(new JsonWebKey(jwk.ToJsonString())));
    }

    [Fact]
    public void SymmetricKey_IsNotAllowed() =>
        Assert.False(VerificationKeyRule.Allows(new JsonWebKey("""{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}""")));

    [Theory]
    [InlineData(1024, false)]
    [InlineData(2048, true)]
    public void Rfc7518_RsaKey_IsAllowedFrom2048Bits(int bits, bool allowed)
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonWebKey(new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) }.ToJsonString());

        Assert.Equal(allowed, VerificationKeyRule.Allows(jwk));
    }

    private static JsonWebKey EcKey(string? use, string? keyOps)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = EcJwk(ec.ExportParameters(includePrivateParameters: false));
        if (use is not null)
        {
            jwk["use"] = use;
        }

        if (keyOps is not null)
        {
            jwk["key_ops"] = JsonNode.Parse(keyOps);
        }

        return new JsonWebKey(jwk.ToJsonString());
    }

    private static JsonObject EcJwk(ECParameters p) => new()
    {
        ["kty"] = "EC",
        ["crv"] = "P-256",
        ["x"] = Base64UrlEncoder.Encode(p.Q.X),
        ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
    };
}
