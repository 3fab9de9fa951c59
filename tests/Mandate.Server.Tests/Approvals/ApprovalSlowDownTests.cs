using Mandate.Core.Approvals;
using Mandate.Core.Decisions;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// OpenID CIBA §11 slow_down, held to by the broker: each slow_down raises the interval the approval's agent must keep by
/// 5 seconds for every later poll (up to <see cref="ApprovalRequests.MaxPollInterval"/>), measured from the last
/// authorization_pending answer, on every node and across a restart. Neither answer writes an audit record.
/// </summary>
public sealed class ApprovalSlowDownTests : ApprovalTest
{
    [Fact]
    public async Task Poll_TooFastAgainAndAgain_EachSlowDownRaisesTheIntervalByFiveSecondsAndNothingElseChanges()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var asked = await ApprovalAsync(id);
        var audit = (await Broker.ReadAuditAsync()).Count;
        Expect.Refused(await PollAsync(id), "authorization_pending");

        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        AssertSlowDown(await PollAsync(id), id, 5, 10);
        Broker.Clock.Advance(TimeSpan.FromSeconds(6));
        AssertSlowDown(await PollAsync(id), id, 10, 15);
        Broker.Clock.Advance(TimeSpan.FromSeconds(10));
        Expect.Refused(await PollAsync(id), "authorization_pending");
        Broker.Clock.Advance(TimeSpan.FromSeconds(14));
        AssertSlowDown(await PollAsync(id), id, 15, 20);
        Broker.Clock.Advance(TimeSpan.FromSeconds(6));
        Expect.Refused(await PollAsync(id), "authorization_pending");

        Assert.Equal(asked with { LastPolledAt = Broker.Now, PollIntervalSeconds = 20 }, await ApprovalAsync(id));
        Assert.Equal(audit, (await Broker.ReadAuditAsync()).Count);
    }

    [Fact]
    public async Task Poll_KeepsPollingEverySecond_IntervalStopsAtTheMaximum()
    {
        var id = await AskAsync(Broker.RefundRequest());
        Expect.Refused(await PollAsync(id), "authorization_pending");

        OAuthReply last = null!;
        for (var poll = 0; poll < 14; poll++)
        {
            Broker.Clock.Advance(TimeSpan.FromSeconds(1));
            last = await PollAsync(id);
        }

        AssertSlowDown(last, id, ApprovalRequests.MaxPollInterval, ApprovalRequests.MaxPollInterval);
        Assert.Equal(ApprovalRequests.MaxPollInterval, (await ApprovalAsync(id)).PollIntervalSeconds);
    }

    [Fact]
    public async Task Poll_SlowDownThenApproved_CollectedAtOncePlacingNoWaitOnADecision()
    {
        var id = await AskAsync(Broker.RefundRequest());
        Expect.Refused(await PollAsync(id), "authorization_pending");
        AssertSlowDown(await PollAsync(id), id, 5, 10);
        await ApproveAsync(id);

        // CIBA §11: slow_down is a variant of authorization_pending, so a decided approval is answered at any pace.
        Expect.Issued(await PollAsync(id));
    }

    [Fact]
    public async Task Poll_ConcurrentPollsJudgedOnTheSameLastPoll_AtMostOneAuthorizationPending()
    {
        var id = await AskAsync(Broker.RefundRequest());
        Expect.Refused(await PollAsync(id), "authorization_pending");
        Broker.Clock.Advance(TimeSpan.FromSeconds(ApprovalRequests.PollInterval));

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PollAsync(id)));

        Assert.All(replies, r => Assert.True(r.Error is "authorization_pending" or "slow_down", r.ToString()));
        Assert.Single(replies, r => r.Error == "authorization_pending");
        Assert.Equal(Broker.Now, (await ApprovalAsync(id)).LastPolledAt);
    }

    [Fact]
    public async Task Poll_SlowDownThenBrokerRestarts_TheRaisedIntervalHolds()
    {
        var id = await AskAsync(Broker.RefundRequest());
        Expect.Refused(await PollAsync(id), "authorization_pending");
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        AssertSlowDown(await PollAsync(id), id, 5, 10);

        await Broker.RestartAsync();
        Broker.Clock.Advance(TimeSpan.FromSeconds(6));

        AssertSlowDown(await PollAsync(id), id, 10, 15);
        Assert.Equal(15, (await ApprovalAsync(id)).PollIntervalSeconds);
    }

    private static void AssertSlowDown(OAuthReply reply, string id, int was, int now)
    {
        Expect.Refused(reply, "slow_down", $"approval '{id}' was polled sooner than {was} seconds", $"poll at most every {now} seconds from now on");
        Assert.Equal(ApprovalChecks.SlowDown.Id, reply.Member("check_id"));
    }

    private async Task<Approval> ApprovalAsync(string id) =>
        await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None) ?? throw new InvalidOperationException(id);
}
