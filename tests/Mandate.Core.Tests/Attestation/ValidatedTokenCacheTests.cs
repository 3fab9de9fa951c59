using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// The cache of validated identity tokens: a repeated token's signature is verified once, and nothing else changes —
/// expiry, bad signatures, other contexts and the count cap are answered exactly as without it.
/// </summary>
public sealed partial class ValidatedTokenCacheTests : IDisposable
{
    private readonly AttestorEnvironment _env = new();
    private readonly CountingJwksSource _workloadKeys;
    private readonly CountingJwksSource _userKeys;

    public ValidatedTokenCacheTests()
    {
        _workloadKeys = new CountingJwksSource(new FileJwksSource(_env.WorkloadJwksPath, _env.Clock));
        _userKeys = new CountingJwksSource(new FileJwksSource(_env.UserJwksPath, _env.Clock));
    }

    [Fact]
    public async Task AttestWorkload_SameTokenThreeTimes_VerifiesSignatureOnce()
    {
        var attestor = Attestor(Cache());
        var token = _env.WorkloadToken();

        var results = new[]
        {
            await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None),
            await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None),
            await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None),
        };

        Assert.All(results, r => Assert.Equal(Agent, r.Identity?.SpiffeId));
        Assert.Equal(results[0].Identity, results[2].Identity);
        Assert.Equal(1, _workloadKeys.Verifications);
    }

    [Fact]
    public async Task AttestUser_SameTokenTwice_VerifiesSignatureOnceAndGivesTheSameUser()
    {
        var attestor = Attestor(Cache());
        var token = _env.UserToken(t => t.Payload["tier"] = "gold");

        var first = await attestor.AttestUserAsync(token, "subject_token", CancellationToken.None);
        var second = await attestor.AttestUserAsync(token, "subject_token", CancellationToken.None);

        Assert.Equal(("alice", "acme"), (second.Identity?.Subject, second.Identity?.Tenant));
        Assert.Equal(first.Identity!.Claims["tier"], second.Identity!.Claims["tier"]);
        Assert.Equal(1, _userKeys.Verifications);
    }

    [Fact]
    public async Task AttestWorkload_CachedTokenPastExp_RefusedExactlyAsWithoutTheCache()
    {
        var cached = Attestor(Cache());
        var token = _env.WorkloadToken();
        Assert.NotNull((await cached.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);

        // Past exp (5 minutes) plus the issuer's clock skew: refused by the cached attestor as by one without a cache.
        _env.Clock.Advance(TimeSpan.FromMinutes(5) + _env.WorkloadOptions.ClockSkew + TimeSpan.FromSeconds(1));
        var withCache = await cached.AttestWorkloadAsync(token, Parameter, CancellationToken.None);
        var without = await Attestor(null).AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        AssertRefused(withCache, token, "has expired");
        Assert.Equal((without.Failure, without.Detail, without.Check), (withCache.Failure, withCache.Detail, withCache.Check));
    }

    [Fact]
    public async Task AttestWorkload_CachedTokenWithinSkewOfExp_StillAcceptedAsWithoutTheCache()
    {
        var cached = Attestor(Cache());
        var token = _env.WorkloadToken();
        await cached.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        _env.Clock.Advance(TimeSpan.FromMinutes(5) + _env.WorkloadOptions.ClockSkew - TimeSpan.FromSeconds(1));

        Assert.NotNull((await Attestor(null).AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);
        Assert.NotNull((await cached.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);
    }

    [Fact]
    public async Task AttestWorkload_OneByteOfTheSignatureFlipped_RefusedEveryTimeAndNeverCached()
    {
        var cache = Cache();
        var attestor = Attestor(cache);
        var token = _env.WorkloadToken();
        var last = token[^2] == 'A' ? 'B' : 'A';
        var forged = token[..^2] + last + token[^1];

        for (var i = 0; i < 3; i++)
        {
            AssertRefused(await attestor.AttestWorkloadAsync(forged, Parameter, CancellationToken.None), forged, "signature does not verify");
        }

        Assert.Equal(0, cache.Count);
        Assert.Equal(3, _workloadKeys.Verifications);
    }

    [Fact]
    public async Task AttestWorkload_SameTokenForAnotherAudience_NotServedFromTheCache()
    {
        var cache = Cache();
        var token = _env.WorkloadToken();
        Assert.NotNull((await Attestor(cache).AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);

        var elsewhere = new JwtAttestor([new TrustedIssuer(_env.WorkloadOptions, _workloadKeys, "https://other.acme.example")], _env.Clock, cache);
        var result = await elsewhere.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        AssertRefused(result, token, "is not addressed to Mandate");
    }

    [Fact]
    public async Task AttestWorkload_SameIssuerReconfigured_NotServedFromTheCache()
    {
        var cache = Cache();
        var token = _env.WorkloadToken();
        await Attestor(cache).AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        // Same names, another TrustedIssuer: the entry belongs to the issuer it was validated for.
        var result = await Attestor(cache).AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        Assert.Equal(Agent, result.Identity?.SpiffeId);
        Assert.Equal(2, _workloadKeys.Verifications);
    }

    [Fact]
    public async Task AttestUser_TokenCachedAsAWorkload_RefusedAsAUserToken()
    {
        var attestor = Attestor(Cache());
        var token = _env.WorkloadToken();
        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        var result = await attestor.AttestUserAsync(token, "subject_token", CancellationToken.None);

        AssertRefused(result, token, "trusted for workload identities, not user identities");
    }

    [Fact]
    public async Task AttestWorkload_KeyDroppedFromTheJwks_NotServedFromTheCache()
    {
        var keys = new SwappableJwksSource(JwksParser.Parse(TestIssuer.Jwks(_env.Workloads), "workloads"));
        var attestor = new JwtAttestor([new TrustedIssuer(_env.WorkloadOptions, keys, Audience)], _env.Clock, Cache());
        var token = _env.WorkloadToken();
        Assert.NotNull((await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);

        using var successor = new TestIssuer(_env.Workloads.Issuer, "successor");
        keys.Keys = JwksParser.Parse(TestIssuer.Jwks(successor), "workloads");

        AssertRefused(await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None), token, "signature does not verify");
    }

    [Fact]
    public async Task AttestWorkload_JwksReReadWithTheSameKey_StillServedFromTheCache()
    {
        var keys = new SwappableJwksSource(JwksParser.Parse(TestIssuer.Jwks(_env.Workloads), "workloads"));
        var counted = new CountingJwksSource(keys);
        var attestor = new JwtAttestor([new TrustedIssuer(_env.WorkloadOptions, counted, Audience)], _env.Clock, Cache());
        var token = _env.WorkloadToken();
        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        keys.Keys = JwksParser.Parse(TestIssuer.Jwks(_env.Workloads), "workloads");

        Assert.Equal(Agent, (await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity?.SpiffeId);
        Assert.Equal(1, counted.Verifications);
    }

    [Fact]
    public async Task AttestWorkload_ExpAtTheEndOfTime_CachedUntilMaxAgeWithoutFault()
    {
        var attestor = Attestor(Cache(maxAge: TimeSpan.FromMinutes(1)));
        var token = _env.WorkloadToken(t => t.Payload["exp"] = 253402300799L);

        Assert.Equal(Agent, (await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity?.SpiffeId);
        Assert.Equal(Agent, (await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity?.SpiffeId);
        _env.Clock.Advance(TimeSpan.FromMinutes(1));
        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        Assert.Equal(2, _workloadKeys.Verifications);
    }

    [Fact]
    public async Task AttestWorkload_EntryOlderThanMaxAge_VerifiedAgain()
    {
        var attestor = Attestor(Cache(maxAge: TimeSpan.FromMinutes(1)));
        var token = _env.WorkloadToken();
        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        _env.Clock.Advance(TimeSpan.FromMinutes(1));
        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        Assert.Equal(2, _workloadKeys.Verifications);
    }

    [Fact]
    public async Task Add_AtTheCountCap_EvictsTheSoonestToExpire()
    {
        var cache = Cache(maxEntries: 2);
        var attestor = Attestor(cache);
        var soonest = _env.WorkloadToken(t => t.Payload["exp"] = _env.Now.AddMinutes(2).ToUnixTimeSeconds());
        var later = _env.WorkloadToken(t => t.Payload["exp"] = _env.Now.AddMinutes(4).ToUnixTimeSeconds());
        var latest = _env.WorkloadToken(t => t.Payload["exp"] = _env.Now.AddMinutes(5).ToUnixTimeSeconds());

        foreach (var token in new[] { later, soonest, latest })
        {
            await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);
        }

        Assert.Equal(2, cache.Count);
        await attestor.AttestWorkloadAsync(later, Parameter, CancellationToken.None);
        await attestor.AttestWorkloadAsync(latest, Parameter, CancellationToken.None);
        Assert.Equal(3, _workloadKeys.Verifications);
        await attestor.AttestWorkloadAsync(soonest, Parameter, CancellationToken.None);
        Assert.Equal(4, _workloadKeys.Verifications);
    }

    [Fact]
    public async Task Add_FloodOfDistinctTokens_NeverHoldsMoreThanTheCap()
    {
        var cache = Cache(maxEntries: 20);
        var attestor = Attestor(cache);

        for (var i = 0; i < 100; i++)
        {
            await attestor.AttestWorkloadAsync(_env.WorkloadToken(), Parameter, CancellationToken.None);
            Assert.True(cache.Count <= 20, $"{cache.Count} entries after {i + 1} tokens");
        }
    }

    [Fact]
    public async Task AttestWorkload_MaxEntriesZero_VerifiesEveryTime()
    {
        var cache = Cache(maxEntries: 0);
        var attestor = Attestor(cache);
        var token = _env.WorkloadToken();

        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);
        await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        Assert.False(cache.Enabled);
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, _workloadKeys.Verifications);
    }

    public void Dispose() => _env.Dispose();

    private sealed class SwappableJwksSource(IReadOnlyList<SecurityKey> keys) : IJwksSource
    {
        public IReadOnlyList<SecurityKey> Keys { get; set; } = keys;

        public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) => ValueTask.FromResult(Keys);
    }

    private ValidatedTokenCache Cache(int maxEntries = 100, TimeSpan? maxAge = null) =>
        new(new IdentityCacheOptions { MaxEntries = maxEntries, MaxAge = maxAge ?? TimeSpan.FromMinutes(5) }, _env.Clock);

    private JwtAttestor Attestor(ValidatedTokenCache? cache) =>
        new(
            [
                new TrustedIssuer(_env.WorkloadOptions, _workloadKeys, Audience),
                new TrustedIssuer(_env.UserOptions, _userKeys, Audience),
            ],
            _env.Clock,
            cache);
}
