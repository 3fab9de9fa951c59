using Mandate.Client;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.JsonWebTokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>RFC 9449 §8 from the SDK: against a broker with dpop.require_nonce, one retry with the broker's nonce, then the nonce is reused.</summary>
public sealed class DpopNonceClientTests : IAsyncLifetime, IDisposable
{
    private readonly DpopKey _key = DpopKey.Create();
    private BrokerHarness? _broker;

    private BrokerHarness Broker => _broker!;

    public async Task InitializeAsync() => _broker = await BrokerHarness.StartAsync(extraConfiguration: "dpop: { require_nonce: true }");

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Exchange_NonceRequired_RetriesExactlyOnceWithTheBrokersNonce_ThenReusesIt()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);
        var client = new MandateClient(http, new MandateClientOptions { DpopKey = _key, Time = Broker.Clock });

        var first = await client.ExchangeAsync(RefundRequest());
        var afterFirst = wire.TokenRequests.ToList();
        var second = await client.ExchangeAsync(RefundRequest());
        var all = wire.TokenRequests.ToList();

        Assert.Equal([400, 200], afterFirst.Select(r => r.Status));
        Assert.Null(Nonce(afterFirst[0].Proof));
        Assert.NotNull(Nonce(afterFirst[1].Proof));
        // The remembered nonce makes the next request succeed at once.
        Assert.Equal([400, 200, 200], all.Select(r => r.Status));
        Assert.Equal(Nonce(afterFirst[1].Proof), Nonce(all[2].Proof));
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(first.AccessToken))?.Jkt);
        Assert.True(second.IsDpopBound);
    }

    [Fact]
    public async Task Exchange_RememberedNonceHasExpired_RetriesOnceWithTheFreshNonce()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);
        var client = new MandateClient(http, new MandateClientOptions { DpopKey = _key, Time = Broker.Clock });
        await client.ExchangeAsync(RefundRequest());
        var stale = Nonce(wire.TokenRequests.Last().Proof);

        Broker.Clock.Advance(TimeSpan.FromMinutes(11));
        var credential = await client.ExchangeAsync(RefundRequest());

        var late = wire.TokenRequests.Skip(2).ToList();
        Assert.Equal([400, 200], late.Select(r => r.Status));
        Assert.Equal(stale, Nonce(late[0].Proof));
        Assert.NotEqual(stale, Nonce(late[1].Proof));
        Assert.True(credential.IsDpopBound);
    }

    [Fact]
    public async Task Exchange_BearerClient_IsNotRetriedAndStaysBearer()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);

        var credential = await new MandateClient(http).ExchangeAsync(RefundRequest());

        Assert.Equal("Bearer", credential.TokenType);
        Assert.Equal(200, Assert.Single(wire.TokenRequests).Status);
    }

    private static string? Nonce(string? proof)
    {
        var jwt = new JsonWebToken(proof);
        return jwt.TryGetPayloadValue<string>("nonce", out var nonce) ? nonce : null;
    }

    private CredentialRequest RefundRequest() => new()
    {
        ActorToken = Broker.Svid(SupportAgent),
        SubjectToken = Broker.UserToken(),
        Tool = Refunds,
        Scopes = ["refunds:write"],
    };
}
