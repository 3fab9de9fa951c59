using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Core.Attestation;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// RFC 7518 §3.3/§3.5: a key of 2048 bits or larger MUST be used with RS256/PS256. IdentityModel verifies from 1024 bits,
/// so an issuer's JWKS is the place a shorter key is dropped. Tokens are signed by hand: IdentityModel will not sign with one.
/// </summary>
public sealed class RsaIssuerKeyStrengthTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(2040)]
    public async Task AttestWorkload_Rs256UnderAnRsaKeyUnder2048Bits_IsRefused(int bits)
    {
        using var env = new AttestorEnvironment();
        using var rsa = RSA.Create(bits);
        await File.WriteAllTextAsync(env.WorkloadJwksPath, Jwks(("rsa", rsa)));
        var token = RsaToken(rsa, "rsa", env.Now);

        var result = await env.Attestor(o => o with { Algorithms = ["RS256"] }).AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        AssertRefused(result, token, "signature does not verify with the keys of issuer 'workloads'");
    }

    [Fact]
    public async Task AttestWorkload_Rs256UnderA2048BitKey_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        using var rsa = RSA.Create(2048);
        await File.WriteAllTextAsync(env.WorkloadJwksPath, Jwks(("rsa", rsa)));

        var result = await env.Attestor(o => o with { Algorithms = ["RS256"] })
            .AttestWorkloadAsync(RsaToken(rsa, "rsa", env.Now), Parameter, CancellationToken.None);

        Assert.Equal(Agent, result.Identity?.SpiffeId);
    }

    [Fact]
    public async Task GetKeysAsync_RsaKeyUnder2048BitsBesideAStrongOne_ServesOnlyTheStrongOne()
    {
        using var env = new AttestorEnvironment();
        using var weak = RSA.Create(1024);
        using var strong = RSA.Create(2048);
        await File.WriteAllTextAsync(env.WorkloadJwksPath, Jwks(("weak", weak), ("strong", strong)));

        var keys = await new FileJwksSource(env.WorkloadJwksPath).GetKeysAsync(null, CancellationToken.None);

        Assert.Equal(["strong"], keys.Select(k => k.KeyId));
    }

    private static string Jwks(params (string Kid, RSA Key)[] keys) => JsonSerializer.Serialize(new
    {
        keys = keys.Select(k =>
        {
            var p = k.Key.ExportParameters(includePrivateParameters: false);
            return new { kty = "RSA", kid = k.Kid, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
        }),
    });

    private static string RsaToken(RSA rsa, string kid, DateTimeOffset now)
    {
        var header = new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid };
        var payload = new Dictionary<string, object>
        {
            ["iss"] = "https://spire.acme.example",
            ["sub"] = Agent,
            ["aud"] = Audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
            ["jti"] = "jti-" + Guid.NewGuid().ToString("N"),
        };
        var input = TestIssuer.Encode(header) + "." + TestIssuer.Encode(payload);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }
}
