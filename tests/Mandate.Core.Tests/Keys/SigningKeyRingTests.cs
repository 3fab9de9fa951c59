using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Keys;

/// <summary>Key rotation against a real SQLite file and a manual clock.</summary>
public sealed class SigningKeyRingTests
{
    private static readonly TimeSpan RotateEvery = KeyRingEnvironment.RotateEvery;
    private static readonly TimeSpan PublishedAfterRetirement = KeyRingEnvironment.LifetimeMax + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Current_BeforeFirstRefresh_Throws()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();

        Assert.Throws<InvalidOperationException>(() => ring.Current);
    }

    [Fact]
    public async Task RefreshAsync_EmptyStore_CreatesAKeyAndAuditsIt()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();

        await ring.RefreshAsync(env.Ct);

        var active = ring.Current.Active;
        var stored = Assert.Single(await env.StoredKeysAsync());
        Assert.Equal(stored.Kid, active.Kid);
        Assert.Equal("node-a", stored.Node);
        Assert.Equal("ES256", stored.Algorithm);
        Assert.Equal(env.Clock.GetUtcNow(), stored.CreatedAt);
        Assert.Null(stored.RetiredAt);
        Assert.Equal([active.Kid], PublishedKids(ring));

        var rotation = Assert.Single(await env.RotationEventsAsync());
        Assert.Equal("rotated", rotation.Outcome);
        Assert.Equal("node-a", rotation.Node);
        Assert.Equal(env.Clock.GetUtcNow(), rotation.Time);
        Assert.Equal(active.Kid, rotation.Evidence["kid"]);
        Assert.False(rotation.Evidence.ContainsKey("retired_kid"));
    }

    [Fact]
    public async Task RefreshAsync_EmptyStore_SealsThePrivateKeyUnderItsKid()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);

        var stored = Assert.Single(await env.StoredKeysAsync());

        var d = ring.Current.Active.Ecdsa.ExportParameters(includePrivateParameters: true).D!;
        Assert.False(stored.SealedPrivateKey.AsSpan().IndexOf(d) >= 0, "the private scalar must not be stored in the clear");
        using var unsealed = ECDsa.Create();
        unsealed.ImportPkcs8PrivateKey(env.Unseal(stored), out _);
        Assert.Equal(d, unsealed.ExportParameters(includePrivateParameters: true).D);
        Assert.DoesNotContain("\"d\"", stored.PublicJwk, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_BeforeTheNextKeyIsDue_KeepsTheKeyAlone()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        var first = ring.Current.Active.Kid;

        env.Clock.Advance(RotateEvery - TimeSpan.FromSeconds(1));
        await ring.RefreshAsync(env.Ct);

        Assert.Equal(first, ring.Current.Active.Kid);
        Assert.Single(await env.StoredKeysAsync());
        Assert.Single(await env.RotationEventsAsync());
    }

    [Fact]
    public async Task RefreshAsync_AfterRotateEvery_RotatesAndRetiresTheOldKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        var old = ring.Current.Active.Kid;

        env.Clock.Advance(RotateEvery);
        await ring.RefreshAsync(env.Ct);
        env.Clock.Advance(KeyRingEnvironment.PublishAhead);
        var rotatedAt = env.Clock.GetUtcNow();
        await ring.RefreshAsync(env.Ct);

        var current = ring.Current.Active.Kid;
        Assert.NotEqual(old, current);
        var keys = await env.StoredKeysAsync();
        var retired = Assert.Single(keys, k => k.Kid == old);
        Assert.Equal(rotatedAt, retired.RetiredAt);
        Assert.Equal(rotatedAt + PublishedAfterRetirement, retired.PublishUntil);
        Assert.Null(Assert.Single(keys, k => k.Kid == current).RetiredAt);
        Assert.Equal([old, current], PublishedKids(ring));

        var events = await env.RotationEventsAsync();
        Assert.Equal(["rotated", "published", "rotated"], events.Select(e => e.Outcome));
        Assert.Equal(current, events[1].Evidence["kid"]);
        Assert.Equal((current, old), (events[2].Evidence["kid"], events[2].Evidence["retired_kid"]));
    }

    [Fact]
    public async Task RefreshAsync_RetiredKey_StaysPublishedUntilItsTokensExpireThenDrops()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        var old = ring.Current.Active.Kid;
        await env.RotateAsync(ring, env.Clock.Advance);
        var current = ring.Current.Active.Kid;

        env.Clock.Advance(PublishedAfterRetirement - TimeSpan.FromSeconds(1));
        await ring.RefreshAsync(env.Ct);
        Assert.Equal([old, current], PublishedKids(ring));
        Assert.Equal([old, current], JwksKids(ring));
        Assert.True(ring.Current.ByKid.ContainsKey(old));

        env.Clock.Advance(TimeSpan.FromSeconds(1));
        await ring.RefreshAsync(env.Ct);
        Assert.Equal([current], PublishedKids(ring));
        Assert.Equal([current], JwksKids(ring));
        Assert.False(ring.Current.ByKid.ContainsKey(old));
        Assert.Equal(current, ring.Current.Active.Kid);
    }

    [Fact]
    public async Task RefreshAsync_AnotherNodesNewKey_IsPublishedAndVerifiable()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        var mine = ring.Current.Active.Kid;
        var otherNode = env.NewRing(node: "node-b");
        await otherNode.RefreshAsync(env.Ct);
        var theirs = otherNode.Current.Active.Kid;

        await ring.RefreshAsync(env.Ct);

        Assert.Equal(mine, ring.Current.Active.Kid);
        Assert.NotEqual(mine, theirs);
        Assert.Equal(new[] { mine, theirs }.Order(StringComparer.Ordinal), PublishedKids(ring).Order(StringComparer.Ordinal));
        Assert.True(ring.Current.ByKid.ContainsKey(theirs), "introspection on this node must verify tokens the other node signed");
        Assert.Contains(theirs, JwksKids(ring));
    }

    [Fact]
    public async Task RefreshAsync_OtherNodesClockAhead_SignsWithItsOwnNewKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var behind = new ManualTimeProvider();
        env.Clock.Advance(TimeSpan.FromMinutes(1));
        var ahead = env.NewRing();
        await ahead.RefreshAsync(env.Ct);

        // node-b's new key is older by the clock than node-a's, so it does not sort last.
        var ring = env.NewRing(node: "node-b", clock: behind);
        await ring.RefreshAsync(env.Ct);

        var active = ring.Current.Active.Kid;
        Assert.NotEqual(ahead.Current.Active.Kid, active);
        Assert.Equal("node-b", Assert.Single(await env.StoredKeysAsync(), k => k.Kid == active).Node);
    }

    [Fact]
    public async Task RefreshAsync_NewRingSameKek_ReusesTheStoredKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var first = env.NewRing();
        await first.RefreshAsync(env.Ct);

        var restarted = env.NewRing();
        await restarted.RefreshAsync(env.Ct);

        Assert.Equal(first.Current.Active.Kid, restarted.Current.Active.Kid);
        Assert.Single(await env.RotationEventsAsync());
    }

    [Fact]
    public async Task RefreshAsync_NewRingOtherKek_NamesTheKeyEncryptionKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        await env.NewRing().RefreshAsync(env.Ct);
        using var otherKek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));

        var restarted = env.NewRing(otherKek);

        var e = await Assert.ThrowsAsync<MandateConfigException>(() => restarted.RefreshAsync(env.Ct));
        Assert.Contains("key-encryption key", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CryptographicException>(e.InnerException);
    }

    [Fact]
    public async Task JwksJson_HoldsOnlyPublicMembers()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        await env.RotateAsync(ring, env.Clock.Advance);

        using var jwks = JsonDocument.Parse(ring.Current.JwksJson);

        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        foreach (var key in keys)
        {
            Assert.Equal(["alg", "crv", "kid", "kty", "use", "x", "y"], key.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.Equal("ES256", key.GetProperty("alg").GetString());
            Assert.Equal("sig", key.GetProperty("use").GetString());
        }

        Assert.All(ring.Current.Published, k => Assert.False(k.HasPrivateKey));
    }

    [Fact]
    public async Task JwksJson_VerifiesTokensSignedByTheActiveKey()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://mandate.acme.example",
            Audience = "https://refunds.acme.example",
            SigningCredentials = ring.Current.Active.Credentials,
        });

        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://mandate.acme.example",
            ValidAudience = "https://refunds.acme.example",
            IssuerSigningKeys = new JsonWebKeySet(ring.Current.JwksJson).Keys,
            ValidateLifetime = false,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
    }

    private static string[] PublishedKids(SigningKeyRing ring) => [.. ring.Current.Published.Select(k => k.Kid)];

    private static string[] JwksKids(SigningKeyRing ring) => [.. new JsonWebKeySet(ring.Current.JwksJson).Keys.Select(k => k.Kid)];
}
