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

    [Fact]
    public async Task Invariant7_NonceAlmostTheServers_UseDpopNonceWithAFreshOneAndChangesNothing()
    {
        // RFC 9449 §4.3 step 10: the nonce claim matches the server-provided nonce exactly; §8: otherwise use_dpop_nonce.
        var nonce = (await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now))).Header("DPoP-Nonce")!;
        var flipped = new string(nonce.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());
        string[] almost = ["", " ", nonce + " ", " " + nonce, flipped, nonce + nonce, nonce[..^1], new string('n', 2_000)];

        foreach (var value in almost)
        {
            var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now, nonce: value)));

            Expect.Refused(reply, "use_dpop_nonce");
            // RFC 9449 §8.1: nonce = 1*NQCHAR.
            Assert.Matches("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$", reply.Header("DPoP-Nonce"));
        }

        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_CurrentNonceInAnInvalidProof_InvalidDpopProofAndChangesNothing()
    {
        // RFC 9449 §4.3: the nonce is one check of many; a proof signed by another key than its jwk stays invalid.
        var nonce = (await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), _key.Create("POST", TokenUrl, Broker.Now))).Header("DPoP-Nonce");
        using var other = new DpopProofs();
        var proof = _key.Create("POST", TokenUrl, Broker.Now, nonce: nonce, signWith: new Microsoft.IdentityModel.Tokens.SigningCredentials(other.Key, "ES256"));

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", "signature");
        await Broker.AssertNothingIssuedAsync();
    }
}
