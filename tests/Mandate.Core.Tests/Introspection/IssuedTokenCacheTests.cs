using Mandate.Core.Introspection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Introspection;

/// <summary>A verified credential is remembered only while its key is the ring's key for its kid and it has not expired.</summary>
public sealed class IssuedTokenCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly SecurityKey _key = new JsonWebKey { Kid = "k1" };

    private static IssuedToken Token(DateTimeOffset expires) => new()
    {
        Jti = "jti_1", Agent = "spiffe://acme.example/agents/support", Subject = "alice", Audience = "https://refunds.acme.example",
        Scope = "refunds:write", Tenant = "acme", Run = "run_1", PolicyVersion = "sha256:p", DecisionId = "dec_1", Kid = "k1",
        IssuedAt = Start, ExpiresAt = expires,
    };

    [Fact]
    public void Find_SameTextSameKeyNotExpired_ReturnsTheClaims()
    {
        var cache = new IssuedTokenCache(_time);
        var token = Token(Start.AddMinutes(5));
        cache.Add(IssuedTokenCache.Key("a.b.c"), token, _key);

        Assert.Same(token, cache.Find(IssuedTokenCache.Key("a.b.c"), _ => _key));
        Assert.Null(cache.Find(IssuedTokenCache.Key("a.b.C"), _ => _key));
    }

    [Fact]
    public void Find_AtOrAfterExp_IsAMiss()
    {
        var cache = new IssuedTokenCache(_time);
        cache.Add(IssuedTokenCache.Key("a.b.c"), Token(Start.AddMinutes(5)), _key);

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(cache.Find(IssuedTokenCache.Key("a.b.c"), _ => _key));
    }

    [Fact]
    public void Find_KeyNoLongerInTheRingOrReplaced_IsAMiss()
    {
        var cache = new IssuedTokenCache(_time);
        cache.Add(IssuedTokenCache.Key("a.b.c"), Token(Start.AddMinutes(5)), _key);
        cache.Add(IssuedTokenCache.Key("d.e.f"), Token(Start.AddMinutes(5)), _key);

        Assert.Null(cache.Find(IssuedTokenCache.Key("a.b.c"), _ => null));
        Assert.Null(cache.Find(IssuedTokenCache.Key("d.e.f"), _ => new JsonWebKey { Kid = "k1" }));
    }

    [Fact]
    public void Add_AtTheCap_SweepsExpiredAndNeverGrowsPastIt()
    {
        var cache = new IssuedTokenCache(_time);
        for (var i = 0; i < 10_000; i++)
        {
            cache.Add(IssuedTokenCache.Key("old." + i), Token(Start.AddMinutes(1)), _key);
        }

        cache.Add(IssuedTokenCache.Key("full"), Token(Start.AddMinutes(5)), _key);
        Assert.Null(cache.Find(IssuedTokenCache.Key("full"), _ => _key));

        _time.Advance(TimeSpan.FromMinutes(2));
        cache.Add(IssuedTokenCache.Key("fresh"), Token(Start.AddMinutes(5)), _key);

        Assert.NotNull(cache.Find(IssuedTokenCache.Key("fresh"), _ => _key));
    }
}
