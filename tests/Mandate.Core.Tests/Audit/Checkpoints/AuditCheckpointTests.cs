using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Introspection;
using Mandate.Core.Keys;
using Mandate.Core.Minting;
using Mandate.Core.Tests.Keys;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Audit.Checkpoints;

/// <summary>Signing and verifying audit checkpoints with real keys from a real SQLite store.</summary>
public sealed class AuditCheckpointTests
{
    private const string Issuer = "https://mandate.test";
    private static readonly AuditTail Head = new(42, new string('a', 64));

    [Fact]
    public async Task CheckpointKey_HasItsOwnPrefixedKid_NotTheTokenKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var tokens = env.NewRing();
        await tokens.RefreshAsync(env.Ct);
        var checkpoints = await CheckpointRingAsync(env);

        var kid = checkpoints.Current.Active.Kid;
        Assert.StartsWith(AuditCheckpoint.KidPrefix, kid, StringComparison.Ordinal);
        Assert.NotEqual(tokens.Current.Active.Kid, kid);
        Assert.DoesNotContain(kid, tokens.Current.ByKid.Keys);
        var published = JsonDocument.Parse(checkpoints.Current.JwksJson).RootElement.GetProperty("keys")[0];
        Assert.Equal("sig", published.GetProperty("use").GetString());
        Assert.Equal("ES256", published.GetProperty("alg").GetString());
        Assert.Equal(KeyPurposes.AuditCheckpoint, Assert.Single(await env.StoredKeysAsync(KeyPurposes.AuditCheckpoint)).Purpose);
    }

    [Fact]
    public async Task Verify_SignedLine_ReturnsTheHead()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = await CheckpointRingAsync(env);

        var line = Sign(env, ring).ToJsonLine();
        var reading = await AuditCheckpoint.VerifyAsync(line, ring.Current.ByKid, Issuer);

        Assert.Null(reading.Refusal);
        Assert.Equal(Head, reading.Checkpoint!.Head);
    }

    [Fact]
    public async Task Verify_EditedHashOrSequence_IsRefused()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = await CheckpointRingAsync(env);
        var checkpoint = Sign(env, ring);

        foreach (var edited in new[] { checkpoint with { Hash = new string('b', 64) }, checkpoint with { Sequence = 41 }, checkpoint with { Time = checkpoint.Time.AddHours(1) } })
        {
            var reading = await AuditCheckpoint.VerifyAsync(edited.ToJsonLine(), ring.Current.ByKid, Issuer);
            Assert.Null(reading.Checkpoint);
            Assert.Contains("says other than its signature", reading.Refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Verify_ForgedSignatureUnderTheRightKid_IsRefused()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = await CheckpointRingAsync(env);
        var checkpoint = Sign(env, ring);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parts = checkpoint.Jws.Split('.');
        var signature = forger.SignData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), HashAlgorithmName.SHA256);
        var forged = checkpoint with { Jws = parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature) };

        var reading = await AuditCheckpoint.VerifyAsync(forged.ToJsonLine(), ring.Current.ByKid, Issuer);

        Assert.Equal("checkpoint signature does not verify", reading.Refusal);
    }

    [Fact]
    public async Task Verify_SignedByTheTokenKey_IsRefusedAsUnknownKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = await CheckpointRingAsync(env);
        var tokens = env.NewRing();
        await tokens.RefreshAsync(env.Ct);
        var checkpoint = AuditCheckpoint.Sign(Head, env.Clock.GetUtcNow(), "node-a", Issuer, tokens.Current.Active);
        var everyKey = tokens.Current.ByKid.Concat(ring.Current.ByKid).ToDictionary();

        var reading = await AuditCheckpoint.VerifyAsync(checkpoint.ToJsonLine(), everyKey, Issuer);

        Assert.StartsWith("unknown checkpoint key", reading.Refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"sequence\":\"x\",\"hash\":\"h\",\"time\":\"2026-01-01T00:00:00Z\",\"jws\":\"a.b.c\"}")]
    [InlineData("{\"sequence\":1,\"hash\":\"h\",\"time\":\"2026-01-01T00:00:00Z\"}")]
    public async Task Verify_MalformedLine_IsRefused(string line)
    {
        var reading = await AuditCheckpoint.VerifyAsync(line, new Dictionary<string, JsonWebKey>(), Issuer);

        Assert.Equal("malformed checkpoint line", reading.Refusal);
    }

    [Fact]
    public async Task Verify_MalformedJws_IsRefused()
    {
        var line = "{\"sequence\":1,\"hash\":\"h\",\"time\":\"2026-01-01T00:00:00Z\",\"jws\":\"not-a-jws\"}";

        var reading = await AuditCheckpoint.VerifyAsync(line, new Dictionary<string, JsonWebKey>(), Issuer);

        Assert.Equal("malformed checkpoint signature", reading.Refusal);
    }

    [Fact]
    public async Task CredentialValidator_RefusesACredentialSignedWithTheCheckpointKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var options = env.Options with { Issuer = Issuer };
        var tokens = env.NewRing();
        await tokens.RefreshAsync(env.Ct);
        var checkpoints = await CheckpointRingAsync(env);
        var minter = new AccessTokenMinter(tokens, Issuer);
        var validator = new IssuedTokenValidator(tokens, options, env.Clock);
        var claims = Minting.TestCredentialClaims.At(env.Clock.GetUtcNow());

        var (genuine, _) = minter.Mint(claims, minter.ActiveKey);
        var (signedByCheckpointKey, _) = minter.Mint(claims with { Jti = "jti_2" }, checkpoints.Current.Active);

        Assert.NotNull((await validator.ValidateAsync(genuine, allowExpired: false)).Token);
        var (token, reason) = await validator.ValidateAsync(signedByCheckpointKey, allowExpired: false);
        Assert.Null(token);
        Assert.Equal("unknown signing key", reason);
    }

    internal static async Task<KeyRing> CheckpointRingAsync(KeyRingEnvironment env)
    {
        var ring = env.NewRing(KeyProfiles.AuditCheckpoint(env.Options), env.Clock);
        await ring.RefreshAsync(env.Ct);
        return ring;
    }

    private static AuditCheckpoint Sign(KeyRingEnvironment env, KeyRing ring) =>
        AuditCheckpoint.Sign(Head, env.Clock.GetUtcNow(), "node-a", Issuer, ring.Current.Active);
}
