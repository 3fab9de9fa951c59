using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// A workload issuer whose JWKS is served by a real HTTP server on 127.0.0.1 with per-issuer refresh settings:
/// rollover without restart, a bounded refresh under an unknown-kid flood, and issuer outages.
/// </summary>
public sealed class JwksUrlTrustTests : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private readonly HttpClient _http = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly TestIssuer _current = new("https://spire.acme.example");
    private readonly TestIssuer _next = new("https://spire.acme.example");

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _http.Dispose();
        _timeout.Dispose();
        _current.Dispose();
        _next.Dispose();
    }

    private (JwtAttestor Attestor, UrlJwksSource Source) Attestor(JwksServer server)
    {
        var options = new TrustedIssuerOptions
        {
            Name = "spire",
            Kind = IssuerKind.Workload,
            Issuer = _current.Issuer,
            JwksUrl = server.Url,
            JwksRefresh = Refresh,
            JwksMinRefreshInterval = MinInterval,
        };
        var source = new UrlJwksSource(server.Url, _http, _clock, options.JwksRefresh, options.JwksMinRefreshInterval);
        return (new JwtAttestor([new TrustedIssuer(options, source, Audience) { DefaultTrustDomain = "acme.example" }], _clock), source);
    }

    private async Task<string?> AttestAsync(JwtAttestor attestor, TestIssuer signer, string? kid = null)
    {
        var token = signer.Token(Agent, Audience, _clock.GetUtcNow(), p => p.Header["kid"] = kid ?? signer.Kid);
        return (await attestor.AttestWorkloadAsync(token, Parameter, Ct)).Identity?.SpiffeId;
    }

    [Fact]
    public async Task Attest_IssuerStartsSigningWithANewKid_IsAcceptedOnceTheConfiguredIntervalPassed()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_current), Ct);
        var (attestor, source) = Attestor(server);
        using var _ = source;
        Assert.Equal(Agent, await AttestAsync(attestor, _current));

        // Rollover: the issuer publishes the next key and signs with it straight away.
        server.Jwks = TestIssuer.Jwks(_current, _next);
        _clock.Advance(MinInterval - TimeSpan.FromSeconds(1));
        Assert.Null(await AttestAsync(attestor, _next));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Agent, await AttestAsync(attestor, _next));
        Assert.Equal(Agent, await AttestAsync(attestor, _current));
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Attest_TwoHundredTokensWithRandomKids_FetchTheJwksAtMostOnceMorePerInterval()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_current), Ct);
        var (attestor, source) = Attestor(server);
        using var _ = source;
        Assert.Equal(Agent, await AttestAsync(attestor, _current));
        _clock.Advance(MinInterval);

        // Signed with a key nobody trusts, each naming a fresh kid, all within one interval.
        using var attacker = new TestIssuer(_current.Issuer);
        var results = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(_ => AttestAsync(attestor, attacker, "forged-" + Guid.NewGuid().ToString("N"))))
            .WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(results, Assert.Null);
        Assert.Equal(2, server.Requests); // the warm-up fetch and one refresh for all 200
        Assert.Equal(Agent, await AttestAsync(attestor, _current));
    }

    [Fact]
    public async Task Attest_JwksUrlDown_PreviouslyFetchedKeysStillVerify()
    {
        var server = await JwksServer.StartAsync(TestIssuer.Jwks(_current), Ct);
        var (attestor, source) = Attestor(server);
        using var _ = source;
        Assert.Equal(Agent, await AttestAsync(attestor, _current));

        // The issuer's JWKS endpoint goes away; the cached keys go stale and every refresh fails.
        await server.DisposeAsync();
        _clock.Advance(Refresh + TimeSpan.FromSeconds(1));
        Assert.Equal(Agent, await AttestAsync(attestor, _current));
        _clock.Advance(MinInterval);
        Assert.Equal(Agent, await AttestAsync(attestor, _current));

        Assert.Equal(3, source.FetchCount);
        Assert.Null(await AttestAsync(attestor, _next));
    }

    [Fact]
    public async Task GetKeysAsync_ConfiguredRefresh_RefetchesAfterItNotBefore()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_current), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock, Refresh, MinInterval);
        await source.GetKeysAsync(_current.Kid, Ct);

        _clock.Advance(Refresh - TimeSpan.FromSeconds(1));
        await source.GetKeysAsync(_current.Kid, Ct);
        Assert.Equal(1, server.Requests);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await source.GetKeysAsync(_current.Kid, Ct);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task GetKeysAsync_FailedRefresh_IsRetriedAfterTheMinimumIntervalNotEveryRequest()
    {
        await using var server = await JwksServer.StartAsync(TestIssuer.Jwks(_current), Ct);
        using var source = new UrlJwksSource(server.Url, _http, _clock, Refresh, MinInterval);
        await source.GetKeysAsync(_current.Kid, Ct);

        server.Failing = true;
        _clock.Advance(Refresh);
        for (var i = 0; i < 20; i++)
        {
            Assert.Single(await source.GetKeysAsync(_current.Kid, Ct));
        }

        Assert.Equal(2, server.Requests);
        server.Failing = false;
        server.Jwks = TestIssuer.Jwks(_next);
        _clock.Advance(MinInterval);

        Assert.Equal([_next.Kid], (await source.GetKeysAsync(_current.Kid, Ct)).Select(k => k.KeyId));
        Assert.Equal(3, server.Requests);
    }
}
