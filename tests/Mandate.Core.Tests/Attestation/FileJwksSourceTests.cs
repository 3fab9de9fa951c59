using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Attestation;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

public sealed class FileJwksSourceTests
{
    [Fact]
    public async Task GetKeysAsync_FileRewritten_ServesTheNewKeysWithoutANewInstance()
    {
        using var env = new AttestorEnvironment();
        var attestor = env.Attestor();
        Assert.NotNull((await attestor.AttestWorkloadAsync(env.WorkloadToken(), Parameter, CancellationToken.None)).Identity);

        // Key rollover at the issuer: a new key pair, the same kid length, the file rewritten in place.
        using var next = new TestIssuer(env.Workloads.Issuer);
        await File.WriteAllTextAsync(env.WorkloadJwksPath, TestIssuer.Jwks(next));

        var fromNewKey = await attestor.AttestWorkloadAsync(next.Token(Agent, Audience, env.Now), Parameter, CancellationToken.None);
        Assert.Equal(Agent, fromNewKey.Identity?.SpiffeId);
        var oldToken = env.WorkloadToken();
        AssertRefused(await attestor.AttestWorkloadAsync(oldToken, Parameter, CancellationToken.None), oldToken, "signature does not verify");
    }

    [Fact]
    public async Task GetKeysAsync_FileRewrittenWithBothKeys_ServesBoth()
    {
        using var env = new AttestorEnvironment();
        var source = new FileJwksSource(env.WorkloadJwksPath);
        Assert.Single(await source.GetKeysAsync(env.Workloads.Kid, CancellationToken.None));
        using var next = new TestIssuer(env.Workloads.Issuer);

        await File.WriteAllTextAsync(env.WorkloadJwksPath, TestIssuer.Jwks(env.Workloads, next));

        var keys = await source.GetKeysAsync(next.Kid, CancellationToken.None);
        Assert.Equal([env.Workloads.Kid, next.Kid], keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task GetKeysAsync_MissingFile_GivesNoKeys()
    {
        using var dir = new TempDirectory();
        var source = new FileJwksSource(dir.File("absent.jwks.json"));

        Assert.Empty(await source.GetKeysAsync("any", CancellationToken.None));
    }

    [Fact]
    public async Task GetKeysAsync_NotAJwks_ThrowsInvalidData()
    {
        using var dir = new TempDirectory();
        var path = dir.File("broken.jwks.json");
        await File.WriteAllTextAsync(path, "{ this is not json");
        var source = new FileJwksSource(path);

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await source.GetKeysAsync("any", CancellationToken.None));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttestWorkload_IssuerJwksUnreadable_IsRefusedWithoutDetailForTheClient()
    {
        using var env = new AttestorEnvironment();
        await File.WriteAllTextAsync(env.WorkloadJwksPath, "{ this is not json");
        var token = env.WorkloadToken();

        var result = await env.AttestWorkloadAsync(token);

        AssertRefused(result, token, "the keys of issuer 'workloads' cannot be read; an operator must fix its JWKS");
        Assert.DoesNotContain(env.WorkloadJwksPath, result.Failure, StringComparison.Ordinal);
        Assert.Contains(env.WorkloadJwksPath, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetKeysAsync_PrivateSymmetricAndEncryptionKeys_AreSkipped()
    {
        using var env = new AttestorEnvironment();
        using var withPrivate = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(withPrivate) { KeyId = "private" });
        var encryption = env.Workloads.PublicJwk;
        encryption["kid"] = "encryption";
        encryption["use"] = "enc";
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                env.Workloads.PublicJwk,
                new { kty = "oct", kid = "hmac", k = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) },
                new { kty = privateJwk.Kty, crv = privateJwk.Crv, x = privateJwk.X, y = privateJwk.Y, d = privateJwk.D, kid = privateJwk.Kid },
                encryption,
            },
        });
        await File.WriteAllTextAsync(env.WorkloadJwksPath, jwks);

        var keys = await new FileJwksSource(env.WorkloadJwksPath).GetKeysAsync(null, CancellationToken.None);

        Assert.Equal([env.Workloads.Kid], keys.Select(k => k.KeyId));
    }

    [Theory]
    [InlineData("sig", true)]
    [InlineData("x509-svid", false)]
    public async Task AttestWorkload_SigningKeyMarkedX509SvidInItsJwks_NeverVerifies(string use, bool accepted)
    {
        // JWT-SVID §6.2: implementations MUST extract the jwt-svid keys of a SPIFFE bundle before validating; a CA's
        // x509-svid key (X509-SVID §6.1) never verifies a JWT-SVID, even when it made the signature. The kid is kept
        // so that only use tells the two apart.
        using var env = new AttestorEnvironment();
        var key = env.Workloads.PublicJwk;
        key["use"] = use;
        await File.WriteAllTextAsync(env.WorkloadJwksPath, JsonSerializer.Serialize(new { keys = new object[] { key }, spiffe_sequence = 1 }));

        var result = await env.AttestWorkloadAsync(env.WorkloadToken());

        Assert.Equal(accepted, result.Identity is not null);
    }

    [Fact]
    public async Task AttestWorkload_JwksFileCaughtHalfWritten_KeepsVerifyingWithTheLastGoodKeys()
    {
        using var env = new AttestorEnvironment();
        var attestor = env.Attestor();
        Assert.NotNull((await attestor.AttestWorkloadAsync(env.WorkloadToken(), Parameter, CancellationToken.None)).Identity);

        // A rollover that is not an atomic rename: the reader sees a truncated document for a moment.
        await File.WriteAllTextAsync(env.WorkloadJwksPath, "{ \"keys\": [ { \"kty\": ");
        var during = await attestor.AttestWorkloadAsync(env.WorkloadToken(t => t.Header["kid"] = "rolling-" + Guid.NewGuid().ToString("N")), Parameter, CancellationToken.None);
        var known = await attestor.AttestWorkloadAsync(env.WorkloadToken(), Parameter, CancellationToken.None);

        Assert.Null(during.Identity);
        Assert.Equal(Agent, known.Identity?.SpiffeId);
    }
}
