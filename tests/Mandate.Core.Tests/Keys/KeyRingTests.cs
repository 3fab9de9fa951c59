using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Keys;

/// <summary>The one key ring under each purpose's profile: create, load, rotate, retire and publish, on a fake clock.</summary>
public sealed class KeyRingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan CaTtl = TimeSpan.FromDays(30);
    private readonly FakeTimeProvider _clock = new(Start);
    private KeyRingEnvironment _env = null!;

    private MandateOptions Options => _env.Options with
    {
        TrustDomain = "acme.example",
        Runs = new RunOptions { TokenLifetime = TimeSpan.FromMinutes(45) },
        Spiffe = new SpiffeOptions { Enabled = true, CaTtl = CaTtl },
    };

    public async Task InitializeAsync() => _env = await KeyRingEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Theory]
    [InlineData(KeyPurposes.TokenSigning, "ES256", "sig", "rotated")]
    [InlineData(KeyPurposes.FederationSigning, "RS256", "sig", "created")]
    [InlineData(KeyPurposes.TokenSigningRs256, "RS256", "sig", "created")]
    [InlineData(KeyPurposes.SpiffeJwt, "ES256", "jwt-svid", "rotated")]
    [InlineData(KeyPurposes.SpiffeCa, "ES256", "x509-svid", "rotated")]
    public async Task GetAsync_EmptyStore_CreatesOneSealedKeyPublishedUnderItsThumbprint(string purpose, string alg, string use, string outcome)
    {
        var ring = _env.NewRing(Profile(purpose), _clock);

        var set = await ring.GetAsync(_env.Ct);

        var stored = Assert.Single(await _env.StoredKeysAsync(purpose));
        Assert.Equal((set.Active.Kid, purpose, alg, "node-a", Start), (stored.Kid, stored.Purpose, stored.Algorithm, stored.Node, stored.CreatedAt));
        Assert.Null(stored.RetiredAt);
        var jwk = Assert.Single(set.Published);
        Assert.Equal((stored.Kid, use), (jwk.Kid, jwk.Use));
        Assert.Equal(stored.Kid, Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
        Assert.Equal("{\"keys\":[" + stored.PublicJwk + "]}", set.JwksJson);
        Assert.False(new JsonWebKeySet(set.JwksJson).Keys.Single().HasPrivateKey);
        var pkcs8 = _env.Unseal(stored);
        Assert.NotEmpty(pkcs8);
        var rotation = Assert.Single(await _env.RotationEventsAsync());
        Assert.Equal((outcome, "node-a", Start), (rotation.Outcome, rotation.Node, rotation.Time));
        Assert.Equal((purpose, stored.Kid, alg), (rotation.Evidence["purpose"], rotation.Evidence["kid"], rotation.Evidence["alg"]));
        Assert.False(rotation.Evidence.ContainsKey("retired_kid"));
    }

    [Theory]
    [InlineData(KeyPurposes.TokenSigning)]
    [InlineData(KeyPurposes.FederationSigning)]
    [InlineData(KeyPurposes.TokenSigningRs256)]
    [InlineData(KeyPurposes.SpiffeJwt)]
    public async Task RefreshAsync_AnotherRingOnTheSameStore_LoadsTheKeyAndItsSignaturesVerify(string purpose)
    {
        var first = await _env.NewRing(Profile(purpose), _clock).RefreshAsync(_env.Ct);

        var second = await _env.NewRing(Profile(purpose), _clock).RefreshAsync(_env.Ct);

        Assert.Equal(first.Active.Kid, second.Active.Kid);
        Assert.Single(await _env.StoredKeysAsync(purpose));
        Assert.Single(await _env.RotationEventsAsync());
        var result = await SignAndVerifyAsync(second.Active, first.JwksJson);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Theory]
    [InlineData(KeyPurposes.TokenSigning, 45 * 60)]
    [InlineData(KeyPurposes.FederationSigning, 15 * 60)]
    // The RS256 token keys keep the ES256 token keys' overlap: run tokens are ES256 only, but one rule for both.
    [InlineData(KeyPurposes.TokenSigningRs256, 45 * 60)]
    [InlineData(KeyPurposes.SpiffeJwt, 60 * 60)]
    public async Task RefreshAsync_AtRotateEvery_RotatesAndKeepsTheOldKeyPublishedForItsOverlap(string purpose, int overlapSeconds)
    {
        var ring = _env.NewRing(Profile(purpose), _clock);
        var old = (await ring.RefreshAsync(_env.Ct)).Active.Kid;
        _clock.Advance(KeyRingEnvironment.RotateEvery);
        var next = (await ring.RefreshAsync(_env.Ct)).Published[^1].Kid;

        _clock.Advance(KeyRingEnvironment.PublishAhead - TimeSpan.FromSeconds(1));
        Assert.Equal(old, (await ring.RefreshAsync(_env.Ct)).Active.Kid);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var set = await ring.RefreshAsync(_env.Ct);

        var now = _clock.GetUtcNow();
        Assert.Equal(next, set.Active.Kid);
        var retired = Assert.Single(await _env.StoredKeysAsync(purpose), k => k.Kid == old);
        Assert.Equal(now, retired.RetiredAt);
        Assert.Equal(now + TimeSpan.FromSeconds(overlapSeconds) + TimeSpan.FromMinutes(1), retired.PublishUntil);
        Assert.Equal([old, set.Active.Kid], set.Published.Select(k => k.Kid));
        var rotation = (await _env.RotationEventsAsync())[^1];
        Assert.Equal(("rotated", set.Active.Kid, old), (rotation.Outcome, rotation.Evidence["kid"], rotation.Evidence["retired_kid"]));
    }

    [Theory]
    [InlineData(KeyPurposes.TokenSigning)]
    [InlineData(KeyPurposes.FederationSigning)]
    [InlineData(KeyPurposes.TokenSigningRs256)]
    [InlineData(KeyPurposes.SpiffeJwt)]
    public async Task NextKey_PublishedAheadOfSigning_ItsFirstTokenVerifiesWithTheKeySetCachedBeforeTheSwitch(string purpose)
    {
        var ring = _env.NewRing(Profile(purpose), _clock);
        var old = (await ring.RefreshAsync(_env.Ct)).Active.Kid;
        _clock.Advance(KeyRingEnvironment.RotateEvery);
        var cachedByVerifiers = (await ring.RefreshAsync(_env.Ct)).JwksJson;
        var published = (await _env.RotationEventsAsync())[^1];

        _clock.Advance(KeyRingEnvironment.PublishAhead);
        var set = await ring.RefreshAsync(_env.Ct);

        Assert.NotEqual(old, set.Active.Kid);
        Assert.Equal(("published", set.Active.Kid), (published.Outcome, published.Evidence["kid"]));
        Assert.Equal(Mandate.Core.Audit.AuditCanonicalJson.FormatTime(Start + KeyRingEnvironment.RotateEvery + KeyRingEnvironment.PublishAhead), published.Evidence["signs_from"]);
        var result = await SignAndVerifyAsync(set.Active, cachedByVerifiers);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task NextKey_ARingThatMissedTheWholeWindow_StillPublishesItAheadBeforeSigningWithIt()
    {
        var ring = _env.NewRing(Profile(KeyPurposes.TokenSigning), _clock);
        var old = (await ring.RefreshAsync(_env.Ct)).Active.Kid;

        _clock.Advance(KeyRingEnvironment.RotateEvery * 3);
        var late = await ring.RefreshAsync(_env.Ct);
        _clock.Advance(KeyRingEnvironment.PublishAhead);
        var rotated = await ring.RefreshAsync(_env.Ct);

        Assert.Equal((old, 2), (late.Active.Kid, late.Published.Count));
        Assert.Equal(late.Published[^1].Kid, rotated.Active.Kid);
    }

    [Theory]
    [InlineData(KeyPurposes.TokenSigning)]
    [InlineData(KeyPurposes.FederationSigning)]
    [InlineData(KeyPurposes.TokenSigningRs256)]
    [InlineData(KeyPurposes.SpiffeJwt)]
    public async Task RefreshAsync_AfterPublishUntil_RetiredKeyLeavesTheJwks(string purpose)
    {
        var ring = _env.NewRing(Profile(purpose), _clock);
        await ring.RefreshAsync(_env.Ct);
        await _env.RotateAsync(ring, _clock.Advance);
        var retired = Assert.Single(await _env.StoredKeysAsync(purpose), k => k.RetiredAt is not null);

        _clock.SetUtcNow(retired.PublishUntil!.Value - TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await ring.RefreshAsync(_env.Ct)).Published.Count);
        _clock.SetUtcNow(retired.PublishUntil.Value);
        var set = await ring.RefreshAsync(_env.Ct);

        Assert.Equal([set.Active.Kid], set.Published.Select(k => k.Kid));
        Assert.DoesNotContain(retired.Kid, set.JwksJson, StringComparison.Ordinal);
        Assert.Equal(2, (await _env.StoredKeysAsync(purpose)).Count);
    }

    [Fact]
    public async Task GetAsync_NotDue_ReturnsTheLoadedSet_Due_PublishesThenRotatesOnUse()
    {
        var ring = _env.NewRing(Profile(KeyPurposes.FederationSigning), _clock);
        var first = await ring.GetAsync(_env.Ct);

        _clock.Advance(KeyRingEnvironment.RotateEvery - TimeSpan.FromSeconds(1));
        Assert.Same(first, await ring.GetAsync(_env.Ct));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var published = await ring.GetAsync(_env.Ct);
        _clock.Advance(KeyRingEnvironment.PublishAhead - TimeSpan.FromSeconds(1));
        Assert.Same(published, await ring.GetAsync(_env.Ct));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var rotated = await ring.GetAsync(_env.Ct);

        Assert.Equal((first.Active.Kid, 2), (published.Active.Kid, published.Published.Count));
        Assert.Equal(published.Published[^1].Kid, rotated.Active.Kid);
        Assert.Same(rotated, ring.Current);
    }

    [Fact]
    public async Task RefreshAsync_CaWithinRenewBefore_RenewsAndKeepsTheOldCaPublishedUntilItsCertificateExpires()
    {
        var ring = _env.NewRing(Profile(KeyPurposes.SpiffeCa), _clock);
        var old = await ring.RefreshAsync(_env.Ct);
        var renewBefore = TimeSpan.FromDays(3); // a tenth of 30 days, more than 48 hours

        _clock.Advance(CaTtl - renewBefore);
        Assert.Equal(old.Active.Kid, (await ring.RefreshAsync(_env.Ct)).Active.Kid);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var renewed = await ring.RefreshAsync(_env.Ct);

        Assert.NotEqual(old.Active.Kid, renewed.Active.Kid);
        var retired = Assert.Single(await _env.StoredKeysAsync(KeyPurposes.SpiffeCa), k => k.Kid == old.Active.Kid);
        Assert.Equal(Start + CaTtl, retired.PublishUntil);
        Assert.Equal(2, renewed.Published.Count);
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(renewed.Published[^1].X5c[0]));
        Assert.Equal((_clock.GetUtcNow() + CaTtl).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        var rotation = (await _env.RotationEventsAsync())[^1];
        Assert.Equal(certificate.SerialNumber, rotation.Evidence["serial"]);
        Assert.Equal("acme.example", rotation.Evidence["trust_domain"]);
        Assert.Equal(old.Active.Kid, rotation.Evidence["retired_kid"]);
        Assert.True(rotation.Evidence.ContainsKey("not_after"));
    }

    [Theory]
    [InlineData(KeyPurposes.TokenSigning, 2)]
    [InlineData(KeyPurposes.FederationSigning, 2)]
    [InlineData(KeyPurposes.TokenSigningRs256, 2)]
    [InlineData(KeyPurposes.SpiffeJwt, 1)]
    [InlineData(KeyPurposes.SpiffeCa, 1)]
    public async Task RefreshAsync_SecondNode_PerNodeProfilesGetTheirOwnKey_SharedProfilesUseTheExisting(string purpose, int keys)
    {
        var a = await _env.NewRing(Profile(purpose), _clock, "node-a").RefreshAsync(_env.Ct);

        var b = await _env.NewRing(Profile(purpose), _clock, "node-b").RefreshAsync(_env.Ct);

        Assert.Equal(keys, (await _env.StoredKeysAsync(purpose)).Count);
        Assert.Equal(keys == 1, a.Active.Kid == b.Active.Kid);
        Assert.Equal(keys, b.Published.Count);
    }

    [Theory]
    [InlineData(KeyPurposes.TokenSigning, new[] { "kty", "crv", "x", "y", "kid", "use", "alg" })]
    [InlineData(KeyPurposes.FederationSigning, new[] { "kty", "n", "e", "kid", "use", "alg" })]
    [InlineData(KeyPurposes.TokenSigningRs256, new[] { "kty", "n", "e", "kid", "use", "alg" })]
    [InlineData(KeyPurposes.SpiffeCa, new[] { "kty", "crv", "x", "y", "use", "x5c", "kid" })]
    public async Task GetAsync_PublishedJwk_HasExactlyThePublicMembers(string purpose, string[] members)
    {
        var set = await _env.NewRing(Profile(purpose), _clock).GetAsync(_env.Ct);

        using var jwks = JsonDocument.Parse(set.JwksJson);
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(members, key.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task RefreshAsync_OtherKeyEncryptionKey_RefusesToUnsealWithConfigError()
    {
        await _env.NewRing(Profile(KeyPurposes.TokenSigning), _clock).RefreshAsync(_env.Ct);
        using var other = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        using var ring = new KeyRing(Profile(KeyPurposes.TokenSigning), _env.Store, other, "node-a", _clock);

        var error = await Assert.ThrowsAsync<MandateConfigException>(() => ring.RefreshAsync(_env.Ct));

        Assert.Contains("cannot unseal token-signing key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ProfileWithNeitherOverlapNorCertificate_Throws()
    {
        var profile = Profile(KeyPurposes.TokenSigning) with { Overlap = null };

        var error = Assert.Throws<ArgumentException>(() => _env.NewRing(profile, _clock));

        Assert.Contains("overlap or a certificate", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A token signed by <paramref name="key"/>, validated against the key set <paramref name="jwks"/> as a verifier holds it.</summary>
    private static Task<TokenValidationResult> SignAndVerifyAsync(SigningKey key, string jwks) =>
        new JsonWebTokenHandler().ValidateTokenAsync(
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = "i", Audience = "a", SigningCredentials = key.Credentials }),
            new TokenValidationParameters
            {
                ValidIssuer = "i",
                ValidAudience = "a",
                IssuerSigningKeys = new JsonWebKeySet(jwks).Keys,
                LifetimeValidator = (_, _, _, _) => true,
            });

    private KeyProfile Profile(string purpose) => purpose switch
    {
        KeyPurposes.TokenSigning => KeyProfiles.TokenSigning(Options),
        KeyPurposes.FederationSigning => KeyProfiles.FederationSigning(Options),
        KeyPurposes.TokenSigningRs256 => KeyProfiles.RsaTokenSigning(Options),
        KeyPurposes.SpiffeJwt => KeyProfiles.SpiffeJwt(Options),
        _ => KeyProfiles.SpiffeCa(Options),
    };
}
