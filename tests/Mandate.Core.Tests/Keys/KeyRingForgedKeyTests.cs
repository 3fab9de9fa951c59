using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Mandate.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Keys;

/// <summary>
/// Someone who can write the store but does not hold the key-encryption key adds a public key of their own: a ring
/// must neither publish it (the audit JWKS is what checkpoints are verified with, the token JWKS what tools trust) nor
/// verify with it, since only a key sealed under the key-encryption key is one a node made.
/// </summary>
public sealed class KeyRingForgedKeyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private KeyRingEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await KeyRingEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public static TheoryData<string> Purposes() => [KeyPurposes.AuditCheckpoint, KeyPurposes.TokenSigning];

    [Theory]
    [MemberData(nameof(Purposes))]
    public async Task Invariant5_Reload_KeyWrittenIntoTheStoreWithoutTheKek_IsNeitherPublishedNorTrusted(string purpose)
    {
        var profile = Profile(purpose);
        var ring = _env.NewRing(profile, _clock);
        var genuine = await ring.GetAsync(_env.Ct);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (kid, jwk) = PublicJwk(attacker, profile);
        await _env.Store.CommitAsync(new StoreBatch([Row(profile, kid, jwk, RandomNumberGenerator.GetBytes(64), "node-b")]), _env.Ct);

        var set = await ring.ReloadAsync(_env.Ct);

        Assert.Equal([genuine.Active.Kid], set.Published.Select(k => k.Kid));
        Assert.DoesNotContain(kid, set.JwksJson, StringComparison.Ordinal);
        Assert.Null(await ring.FindPublicKeyAsync(kid, _env.Ct));
    }

    [Theory]
    [MemberData(nameof(Purposes))]
    public async Task Invariant5_Reload_GenuineSealedKeyUnderAnotherPublicJwk_IsNeitherPublishedNorTrusted(string purpose)
    {
        // The sealed blob is bound to its kid, not to the public key written beside it: a row that keeps its kid and
        // sealed key but names the attacker's public key must not pass as the key a node made.
        var profile = Profile(purpose);
        var writer = _env.NewRing(profile, _clock, node: "node-b");
        var real = await writer.GetAsync(_env.Ct);
        var stored = Assert.Single(await _env.StoredKeysAsync(purpose));
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (_, jwk) = PublicJwk(attacker, profile, kid: real.Active.Kid);
        await _env.Store.CommitAsync(new StoreBatch([stored with { PublicJwk = jwk }]), _env.Ct);
        var reader = _env.NewRing(profile, _clock);

        var set = await reader.RefreshAsync(_env.Ct);

        Assert.DoesNotContain(real.Active.Kid, set.JwksJson, StringComparison.Ordinal);
        Assert.Null(await reader.FindPublicKeyAsync(real.Active.Kid, _env.Ct));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"kid":5}""")]
    [InlineData("""{"kty":"EC"}""")]
    public async Task Invariant5_Reload_GenuineSealedKeyBesideAPublicJwkThatCannotBeRead_IsNeitherPublishedNorTrusted(string jwk)
    {
        var profile = KeyProfiles.TokenSigning(_env.Options);
        var real = await _env.NewRing(profile, _clock, node: "node-b").GetAsync(_env.Ct);
        var stored = Assert.Single(await _env.StoredKeysAsync(KeyPurposes.TokenSigning));
        await _env.Store.CommitAsync(new StoreBatch([stored with { PublicJwk = jwk }]), _env.Ct);
        var reader = _env.NewRing(profile, _clock);

        var set = await reader.RefreshAsync(_env.Ct);

        Assert.DoesNotContain(real.Active.Kid, set.JwksJson, StringComparison.Ordinal);
        Assert.Null(await reader.FindPublicKeyAsync(real.Active.Kid, _env.Ct));
    }

    [Fact]
    public async Task Invariant5_Reload_KeyWrittenIntoTheStoreWithoutTheKek_IsLoggedOnceAsAWarning_WithAForgedLineNotShown()
    {
        // The refusal is the only sign of a tampered store an operator sees, so it is said, once per row; the row's
        // kid and node are the writer's text, so one that could forge a log line is not repeated.
        var profile = KeyProfiles.TokenSigning(_env.Options);
        using var logs = new CapturedLogs();
        var ring = _env.NewRing(profile, _clock, log: logs.CreateLogger("keys"));
        await ring.GetAsync(_env.Ct);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (kid, jwk) = PublicJwk(attacker, profile);
        await _env.Store.CommitAsync(new StoreBatch([Row(profile, kid, jwk, RandomNumberGenerator.GetBytes(64), "node-b\nWarning keys: all keys verified")]), _env.Ct);

        await ring.ReloadAsync(_env.Ct);
        await ring.ReloadAsync(_env.Ct);

        var line = Assert.Single(logs.Lines, l => l.Contains(kid, StringComparison.Ordinal));
        Assert.StartsWith("Warning keys: Stored token-signing key " + kid, line, StringComparison.Ordinal);
        Assert.DoesNotContain("all keys verified", logs.Text, StringComparison.Ordinal);
    }

    private KeyProfile Profile(string purpose) => purpose == KeyPurposes.AuditCheckpoint
        ? KeyProfiles.AuditCheckpoint(_env.Options)
        : KeyProfiles.TokenSigning(_env.Options);

    private static (string Kid, string Jwk) PublicJwk(ECDsa key, KeyProfile profile, string? kid = null)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        kid ??= profile.KidPrefix + Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        return (kid, JsonSerializer.Serialize(new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = profile.Use, alg = profile.Algorithm }));
    }

    private static StoredKey Row(KeyProfile profile, string kid, string jwk, byte[] sealedKey, string node) => new()
    {
        Kid = kid,
        Purpose = profile.Purpose,
        Algorithm = profile.Algorithm,
        SealedPrivateKey = sealedKey,
        PublicJwk = jwk,
        CreatedAt = Start - TimeSpan.FromMinutes(1),
        Node = node,
    };
}
