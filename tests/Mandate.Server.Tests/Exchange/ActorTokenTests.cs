using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// The agent's workload identity (actor_token) is attested per RFC 8725. Each hostile token differs from
/// a valid one in one way; each is invalid_request naming that check, and nothing is issued.
/// </summary>
public sealed class ActorTokenTests : BrokerTest
{
    [Fact]
    public Task Exchange_ActorTokenExpired_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.Expired);

    [Fact]
    public Task Exchange_ActorTokenNotYetValid_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.NotYetValid);

    [Fact]
    public Task Exchange_ActorTokenForAnotherAudience_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.WrongAudience);

    [Fact]
    public Task Exchange_ActorTokenFromUntrustedIssuer_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.UntrustedIssuer);

    [Fact]
    public Task Exchange_ActorTokenSignedWithAnotherKey_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.ForgedSignature);

    [Fact]
    public Task Exchange_ActorTokenAlgNone_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.AlgNone);

    [Fact]
    public Task Exchange_ActorTokenHs256WithThePublicKeyAsSecret_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.Hs256WithPublicKey);

    [Fact]
    public Task Exchange_ActorTokenWithHeaderJwk_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.HeaderJwk);

    [Fact]
    public Task Exchange_ActorTokenWithHeaderJku_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.HeaderJku);

    [Fact]
    public Task Exchange_ActorTokenGarbage_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.Garbage);

    [Fact]
    public Task Exchange_ActorTokenOversized_ReturnsInvalidRequest() => AssertRefusedAsync(TokenDefect.Oversized);

    [Fact]
    public async Task Exchange_ActorTokenFromUserIssuer_ReturnsInvalidRequest()
    {
        // A user's token with a SPIFFE-looking subject is still a user's token.
        var fromUserIssuer = Broker.Users.CreateToken(SupportAgent, Broker.Options.Issuer, BrokerHarness.IdentityLifetime, null, Broker.Now);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = fromUserIssuer });

        Expect.Refused(reply, "invalid_request", "actor_token comes from issuer 'acme-idp', which is trusted for user identities");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ActorTokenWithoutSpiffeSubject_ReturnsInvalidRequest()
    {
        var claims = Broker.WorkloadClaims(SupportAgent);
        claims["sub"] = "support";

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.WorkloadKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", "'sub' is not a SPIFFE ID");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_HandBuiltActorTokenWithoutDefect_IsAccepted()
    {
        // The control for every test above: the same construction with no defect is a valid identity.
        var actor = Broker.WorkloadKey.Sign(Broker.WorkloadClaims(SupportAgent));

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = actor });

        Expect.Issued(reply);
    }

    private async Task AssertRefusedAsync(TokenDefect defect)
    {
        var actor = HostileTokens.Create(defect, Broker.WorkloadKey, Broker.WorkloadClaims(SupportAgent), Broker.Now);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = actor });

        Expect.Refused(reply, "invalid_request", "actor_token", HostileTokens.ExpectedReason(defect));
        Assert.DoesNotContain(actor, reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }
}
