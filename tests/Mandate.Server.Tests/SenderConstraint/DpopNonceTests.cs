using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>RFC 9449 §8: with dpop.require_nonce the broker answers use_dpop_nonce and a DPoP-Nonce until the proof carries it.</summary>
public sealed class DpopNonceTests : IAsyncLifetime, IDisposable
{
    private readonly DpopProofs _key = new();
    private BrokerHarness? _broker;

    private BrokerHarness Broker => _broker!;

    private string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    public async Task InitializeAsync() => _broker = await BrokerHarness.StartAsync(extraConfiguration: "dpop: { require_nonce: true }");

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Exchange_NonceRequired_ProofWithoutNonceGetsOneAndTheRetrySucceeds()
    {
        var first = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now));
        Expect.Refused(first, "use_dpop_nonce", "DPoP-Nonce");
        Assert.Equal("binding.dpop_nonce_required", first.Member("check_id"));
        var nonce = first.Header("DPoP-Nonce");
        Assert.False(string.IsNullOrEmpty(nonce));
        await Broker.AssertNothingIssuedAsync();

        var retry = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now, nonce: nonce));
        var token = Expect.Issued(retry);
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(token))?.Jkt);
    }

    [Fact]
    public async Task Exchange_StaleOrForgedNonce_IsAskedForAFreshOne()
    {
        var nonce = (await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now))).Header("DPoP-Nonce");
        Broker.Clock.Advance(TimeSpan.FromMinutes(11));

        var stale = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now, nonce: nonce));
        Expect.Refused(stale, "use_dpop_nonce");
        Assert.NotEqual(nonce, stale.Header("DPoP-Nonce"));
        Expect.Refused(await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now, nonce: "forged")), "use_dpop_nonce");
        await Broker.AssertNothingIssuedAsync();
    }
}
