using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// The SDK against a broker whose big refunds need a human: the pending answer is typed (auth_req_id, interval,
/// expires_in), PollApprovalAsync collects once approved and reports a denial; an outage on the admin socket is
/// 503 store.unavailable and changes nothing.
/// </summary>
public sealed class ApprovalPollClientTests : ApprovalTest
{
    [Fact]
    public async Task Exchange_RuleRequiresApproval_ThrowsPendingWithAuthReqIdIntervalAndExpiry()
    {
        var client = new MandateClient(Broker.Http);

        var pending = await Assert.ThrowsAsync<MandateApprovalPendingException>(() => client.ExchangeAsync(BigRefundRequest()));

        Assert.Equal("authorization_pending", pending.Error);
        Assert.StartsWith("areq_", pending.Pending.AuthReqId, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), pending.Pending.Interval);
        Assert.Equal(TimeSpan.FromMinutes(10), pending.Pending.ExpiresIn);
        Assert.Contains("big-refunds-need-approval", pending.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollApprovalAsync_Approved_ReturnsTheCredentialAfterTheInterval()
    {
        var client = new MandateClient(Broker.Http, new MandateClientOptions { Time = Broker.Clock });
        var pending = (await Assert.ThrowsAsync<MandateApprovalPendingException>(() => client.ExchangeAsync(BigRefundRequest()))).Pending;
        await ApproveAsync(pending.AuthReqId);
        var asked = Broker.Now;

        var credential = await ClockDriver.RunAsync(Broker.Clock, client.PollApprovalAsync(pending, Broker.Svid(SupportAgent)), TimeSpan.FromMilliseconds(20));

        Assert.Equal("Bearer", credential.TokenType);
        Assert.True(Broker.Now - asked >= pending.Interval, "the SDK polled before the interval");
        var approval = await Broker.Runtime.Store.GetApprovalAsync(pending.AuthReqId, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Consumed, approval!.Status);
    }

    [Fact]
    public async Task PollApprovalAsync_PollsFasterThanAskedThenSlowDown_CollectsOnceApproved()
    {
        var pending = (await Assert.ThrowsAsync<MandateApprovalPendingException>(() => new MandateClient(Broker.Http).ExchangeAsync(BigRefundRequest()))).Pending;
        using var http = new HttpClient(new ApproveOnSlowDown(() => ApproveAsync(pending.AuthReqId)) { InnerHandler = new HttpClientHandler() }) { BaseAddress = Broker.Http.BaseAddress };
        var client = new MandateClient(http, new MandateClientOptions { Time = Broker.Clock });
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        // Told 2 seconds instead of 5: the second poll gets slow_down (10 s now required), and a human approves meanwhile.
        var polling = client.PollApprovalAsync(pending with { Interval = TimeSpan.FromSeconds(2) }, Broker.Svid(SupportAgent), bound.Token);
        var credential = await ClockDriver.RunAsync(Broker.Clock, polling, TimeSpan.FromMilliseconds(20));

        Assert.Equal("Bearer", credential.TokenType);
        var approval = await Broker.Runtime.Store.GetApprovalAsync(pending.AuthReqId, CancellationToken.None);
        Assert.Equal((ApprovalStatus.Consumed, 10), (approval!.Status, approval.PollIntervalSeconds));
    }

    [Fact]
    public async Task PollApprovalAsync_Denied_ThrowsAccessDenied()
    {
        var client = new MandateClient(Broker.Http, new MandateClientOptions { Time = Broker.Clock });
        var pending = (await Assert.ThrowsAsync<MandateApprovalPendingException>(() => client.ExchangeAsync(BigRefundRequest()))).Pending;
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(pending.AuthReqId, approve: false, "admin:carol", "not this customer");
        }

        var denied = await Assert.ThrowsAsync<MandateErrorException>(() =>
            ClockDriver.RunAsync(Broker.Clock, client.PollApprovalAsync(pending, Broker.Svid(SupportAgent)), TimeSpan.FromMilliseconds(20)));

        Assert.Equal("access_denied", denied.Error);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task AdminDecide_StoreLocked_503StoreUnavailableAndTheApprovalStaysPending()
    {
        var id = await AskAsync(Broker.RefundRequest());

        var outage = await Broker.WhileStoreLockedAsync(async () =>
        {
            using var admin = Broker.Admin();
            return await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked"));
        });

        Assert.Equal(503, outage.Status);
        Assert.Equal(StoreChecks.Unavailable.Id, outage.CheckId);
        var approval = await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Pending, approval!.Status);
    }

    [Fact]
    public async Task AdminDecide_UnknownApproval_404WithItsCheckId()
    {
        using var admin = Broker.Admin();

        var unknown = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync("areq_missing", approve: true, "admin:carol", null));

        Assert.Equal((404, "admin.approval_unknown"), (unknown.Status, unknown.CheckId));
    }

    /// <summary>Lets a human approve as soon as the broker first answers slow_down, before the SDK sees that answer.</summary>
    private sealed class ApproveOnSlowDown(Func<Task> approve) : DelegatingHandler
    {
        private bool _approved;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!_approved && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("\"slow_down\"", StringComparison.Ordinal))
            {
                _approved = true;
                await approve();
            }

            return response;
        }
    }

    private CredentialRequest BigRefundRequest() => new()
    {
        ActorToken = Broker.Svid(SupportAgent),
        SubjectToken = Broker.UserToken(),
        Tool = Refunds,
        Scopes = ["refunds:write"],
        AuthorizationDetails = ApprovalTest.BigRefund,
    };
}
