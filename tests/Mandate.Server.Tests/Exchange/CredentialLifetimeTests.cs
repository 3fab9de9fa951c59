using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// Invariant 4: lifetime = min(lifetimes.default, agent max_lifetime, rule max_lifetime, lifetimes.max).
/// Configured: default 4m, cap 5m, support agent 3m; rules: support refunds 5m, support crm 90s, research crm 1h.
/// </summary>
[Trait("Invariant", "4")]
public sealed class CredentialLifetimeTests : BrokerTest
{
    [Fact]
    public async Task Exchange_AgentMaxLifetimeShortest_AgentLimitApplies()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest());

        AssertLifetime(reply, SupportMaxLifetime);
    }

    [Fact]
    public async Task Exchange_RuleMaxLifetimeShortest_RuleLimitApplies()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read" });

        AssertLifetime(reply, TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Invariant4_RuleMaxLifetimeLongerThanDefault_CannotLengthen()
    {
        // research-reads-crm says 1h; the broker's default (4m) stands, and the 5m cap is never exceeded.
        var reply = await Broker.ExchangeAsync(new ExchangeRequest
        {
            ActorToken = Broker.Svid(ResearchAgent),
            SubjectToken = Broker.UserToken(),
            Resource = Crm,
            Scope = "crm:read",
        });

        AssertLifetime(reply, DefaultLifetime);
    }

    [Fact]
    public async Task Invariant4_PolicyUpdateRaisingMaxLifetime_CannotExceedTheCap()
    {
        await Broker.WritePolicyAsync(TestBroker.Policy.Replace("max_lifetime: 1h", "max_lifetime: 24h", StringComparison.Ordinal));
        Assert.True((await Broker.Runtime.Policy.ReloadAsync()).IsValid);

        var reply = await Broker.ExchangeAsync(new ExchangeRequest
        {
            ActorToken = Broker.Svid(ResearchAgent),
            SubjectToken = Broker.UserToken(),
            Resource = Crm,
            Scope = "crm:read",
        });

        AssertLifetime(reply, DefaultLifetime);
    }

    private static void AssertLifetime(OAuthReply reply, TimeSpan expected)
    {
        var token = Expect.Issued(reply);
        Assert.Equal((int)expected.TotalSeconds, reply.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal(expected, IssuedTokens.Lifetime(token));
        Assert.True(expected <= MaxLifetime);
    }
}
