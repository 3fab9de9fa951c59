using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// A run started with a DPoP proof gets a run token bound to that key (cnf.jkt): stolen, it mints nothing,
/// because every use of it (credentials, renewal, delegation) must carry a proof by the same key.
/// </summary>
public sealed class RunTokenBindingTests : BrokerTest, IDisposable
{
    private readonly DpopProofs _key = new();

    public void Dispose() => _key.Dispose();

    private string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    private string Proof(DpopProofs? key = null) => (key ?? _key).Create("POST", TokenUrl, Broker.Now);

    private async Task<string> StartBoundRunAsync() =>
        Expect.Issued(await DpopRequests.ExchangeAsync(Broker, Broker.StartRunRequest(), Proof()));

    [Fact]
    public async Task StartRun_WithDpopProof_RunTokenBoundToTheKey()
    {
        var runToken = await StartBoundRunAsync();

        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(runToken))?.Jkt);
    }

    [Fact]
    public async Task InRun_BoundRunTokenWithProofBySameKey_IssuesCredentialBoundToTheKey()
    {
        var runToken = await StartBoundRunAsync();

        var credential = Expect.Issued(await DpopRequests.ExchangeAsync(Broker, Broker.InRunRequest(runToken), Proof()));

        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(credential))?.Jkt);
    }

    [Fact]
    public async Task InRun_BoundRunTokenWithoutProof_RefusedNothingIssued()
    {
        var runToken = await StartBoundRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Expect.Refused(reply, "invalid_request", "bound to a DPoP key");
        Assert.Empty(await Broker.AuditEventsAsync("issuance"));
    }

    [Fact]
    public async Task InRun_BoundRunTokenWithAnotherKeysProof_Refused()
    {
        var runToken = await StartBoundRunAsync();
        using var thief = new DpopProofs();

        var reply = await DpopRequests.ExchangeAsync(Broker, Broker.InRunRequest(runToken), Proof(thief));

        Expect.Refused(reply, "invalid_request", "bound to a DPoP key");
    }

    [Fact]
    public async Task Renew_BoundRunToken_NeedsTheKeyAndStaysBound()
    {
        var runToken = await StartBoundRunAsync();

        var withoutProof = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, TestBroker.SupportAgent));
        var renewed = Expect.Issued(await DpopRequests.ExchangeAsync(Broker, Broker.RunTokenRequest(runToken, TestBroker.SupportAgent), Proof()));

        Expect.Refused(withoutProof, "invalid_request", "bound to a DPoP key");
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(renewed))?.Jkt);
    }

    [Fact]
    public async Task Delegate_BoundRunTokenWithoutProof_Refused()
    {
        var runToken = await StartBoundRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, TestBroker.ExecutorAgent, "refunds:write"));

        Expect.Refused(reply, "invalid_request", "bound to a DPoP key");
    }
}
