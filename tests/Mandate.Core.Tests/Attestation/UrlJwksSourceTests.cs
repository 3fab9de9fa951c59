using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>UrlJwksSource against Kestrel on 127.0.0.1 with a manual clock: caching, the refresh bound, rollover.</summary>
public sealed class UrlJwksSourceTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private readonly HttpClient _http = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly TestIssuer _first = new("https://spire.acme.example");
    private readonly TestIssuer _second = new("https://spire.acme.example");

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _http.Dispose();
        _timeout.Dispose();
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task GetKeysAsync_KnownKid_FetchesOnceThenServesFromCache()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);

        var keys = await source.GetKeysAsync(_first.Kid, Ct);
        _clock.Advance(UrlJwksSource.CacheLifetime - TimeSpan.FromSeconds(1));
        await source.GetKeysAsync(_first.Kid, Ct);
        await source.GetKeysAsync(null, Ct);

        Assert.Equal([_first.Kid], keys.Select(k => k.KeyId));
        Assert.Equal(1, source.FetchCount);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_UnknownKidFloodWithinMinRefreshInterval_FetchesOnce()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        await source.GetKeysAsync(_first.Kid, Ct);

        // An attacker sends 100 tokens naming kids nobody has, half now and half just before the interval ends.
        await FloodAsync(source, 50);
        _clock.Advance(UrlJwksSource.MinRefreshInterval - TimeSpan.FromSeconds(1));
        await FloodAsync(source, 50);

        Assert.Equal(1, source.FetchCount);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_UnknownKidFloodAfterMinRefreshInterval_FetchesOnceMore()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        await source.GetKeysAsync(_first.Kid, Ct);

        _clock.Advance(UrlJwksSource.MinRefreshInterval);
        await FloodAsync(source, 100);

        Assert.Equal(2, source.FetchCount);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_ConcurrentUnknownKidsOnAColdCache_FetchOnce()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);

        await FloodAsync(source, 100);

        Assert.Equal(1, source.FetchCount);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_KidRolledOver_IsPickedUpOnceTheIntervalHasPassed()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        await source.GetKeysAsync(_first.Kid, Ct);

        // The issuer publishes its next key; tokens signed with it arrive before the refresh bound allows a fetch.
        server.Jwks = TestIssuer.Jwks(_first, _second);
        _clock.Advance(UrlJwksSource.MinRefreshInterval - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(_second.Kid, (await source.GetKeysAsync(_second.Kid, Ct)).Select(k => k.KeyId));

        _clock.Advance(TimeSpan.FromSeconds(1));
        var keys = await source.GetKeysAsync(_second.Kid, Ct);

        Assert.Equal([_first.Kid, _second.Kid], keys.Select(k => k.KeyId));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_AfterCacheLifetime_RefetchesForAKnownKid()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        await source.GetKeysAsync(_first.Kid, Ct);

        server.Jwks = TestIssuer.Jwks(_second);
        _clock.Advance(UrlJwksSource.CacheLifetime);
        var keys = await source.GetKeysAsync(_first.Kid, Ct);

        Assert.Equal([_second.Kid], keys.Select(k => k.KeyId));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_IssuerAnswers500_KeepsTheLastGoodKeys()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        await source.GetKeysAsync(_first.Kid, Ct);

        server.Failing = true;
        _clock.Advance(UrlJwksSource.CacheLifetime);
        var keys = await source.GetKeysAsync(_first.Kid, Ct);

        Assert.Equal([_first.Kid], keys.Select(k => k.KeyId));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_CallerArrivingDuringTheFirstFetch_WaitsForItsKeys()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        var gate = server.HoldRequests();

        var first = source.GetKeysAsync(_first.Kid, Ct).AsTask();
        await server.FirstRequest.WaitAsync(Bound, Ct);
        var second = source.GetKeysAsync(_first.Kid, Ct).AsTask();
        gate.SetResult();

        // A broker that just started must not refuse good tokens because another request is fetching the keys.
        Assert.Equal([_first.Kid], (await first.WaitAsync(Bound, Ct)).Select(k => k.KeyId));
        Assert.Equal([_first.Kid], (await second.WaitAsync(Bound, Ct)).Select(k => k.KeyId));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task AttestWorkload_IssuerKeyRolledOverAtTheUrl_AcceptsTheNewKeyWithoutRestart()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_first), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock);
        var options = new TrustedIssuerOptions
        {
            Name = "spire",
            Kind = IssuerKind.Workload,
            Issuer = _first.Issuer,
            JwksUrl = server.Url,
        };
        var attestor = new JwtAttestor([new TrustedIssuer(options, source, Audience)], _clock);
        Assert.NotNull((await attestor.AttestWorkloadAsync(_first.Token(Agent, Audience, _clock.GetUtcNow()), Parameter, Ct)).Identity);

        server.Jwks = TestIssuer.Jwks(_second);
        _clock.Advance(UrlJwksSource.MinRefreshInterval);
        var result = await attestor.AttestWorkloadAsync(_second.Token(Agent, Audience, _clock.GetUtcNow()), Parameter, Ct);

        Assert.Equal(Agent, result.Identity?.SpiffeId);
    }

    /// <summary>Looks up <paramref name="count"/> random kids at once.</summary>
    private async Task FloodAsync(UrlJwksSource source, int count)
    {
        var lookups = Enumerable.Range(0, count)
            .Select(_ => source.GetKeysAsync("forged-" + Guid.NewGuid().ToString("N"), Ct).AsTask());
        var results = await Task.WhenAll(lookups).WaitAsync(Bound, Ct);
        Assert.All(results, keys => Assert.DoesNotContain(keys, k => k.KeyId.StartsWith("forged-", StringComparison.Ordinal)));
    }
}
