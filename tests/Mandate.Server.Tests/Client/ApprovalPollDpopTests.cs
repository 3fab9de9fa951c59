using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>A DPoP client's approval against the real broker: the poll carries a proof, so the collected credential is bound to the key that asked.</summary>
public sealed class ApprovalPollDpopTests : ApprovalTest, IDisposable
{
    private readonly DpopKey _key = DpopKey.Create();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task PollApprovalAsync_DpopClient_PollsWithAProofAndCollectsACredentialBoundToItsKey()
    {
        using var http = BrokerWireLog.Connect(Broker.Http.BaseAddress!, out var wire);
        var client = new MandateClient(http, new MandateClientOptions { DpopKey = _key, Time = Broker.Clock });
        var pending = (await Assert.ThrowsAsync<MandateApprovalPendingException>(() => client.ExchangeAsync(BigRefundRequest()))).Pending;
        await ApproveAsync(pending.AuthReqId);

        var credential = await ClockDriver.RunAsync(Broker.Clock, client.PollApprovalAsync(pending, Broker.Svid(SupportAgent)), TimeSpan.FromMilliseconds(20));

        Assert.True(credential.IsDpopBound);
        Assert.Equal(_key.Thumbprint, ConfirmationClaim.FromToken(IssuedTokens.Read(credential.AccessToken))?.Jkt);
        Assert.All(wire.TokenRequests, r => Assert.NotNull(r.Proof));
        var approval = await Broker.Runtime.Store.GetApprovalAsync(pending.AuthReqId, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Consumed, approval!.Status);
    }

    private CredentialRequest BigRefundRequest() => new()
    {
        ActorToken = Broker.Svid(SupportAgent),
        SubjectToken = Broker.UserToken(),
        Tool = Refunds,
        Scopes = ["refunds:write"],
        AuthorizationDetails = BigRefund,
    };
}
