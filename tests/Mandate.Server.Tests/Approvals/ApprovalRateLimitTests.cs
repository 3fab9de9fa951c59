using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// A credential collected after a human's approval counts against the asking rule's <c>rate_limit</c> (docs/policy.md,
/// Rate limits): the counter moves in the collection's commit, once per approval, and never for an approval that issues
/// nothing (denied, expired, collected twice).
/// </summary>
public sealed class ApprovalRateLimitTests : ApprovalTest
{
    private const string Rule = "big-refunds-need-approval";

    protected override string Policy => ApprovalPolicy.Replace(
        "approval_expires_in: 10m", "approval_expires_in: 10m\n    rate_limit: {per: user, max: 2, window: 1h}", StringComparison.Ordinal);

    [Fact]
    public async Task Collect_TwoApprovedAndCollected_CounterIsTwoAndAThirdRequestIsRefusedWithoutAnApproval()
    {
        for (var i = 0; i < 2; i++)
        {
            var id = await AskAsync(Broker.RefundRequest());
            await ApproveAsync(id);
            Expect.Issued(await PollAsync(id));
        }

        Assert.Equal(2, await Broker.RateCountAsync(Rule, SupportAgent, at: Broker.Now));
        var approvals = (await Broker.Runtime.Store.ListApprovalsAsync(null, 100, CancellationToken.None)).Count;

        var third = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", BigRefund)));

        Expect.Refused(third, "invalid_target", $"'{Rule}' allows at most 2 credentials per user per 1h", "the window resets at");
        Assert.Null(third.Member("auth_req_id"));
        Assert.Equal(approvals, (await Broker.Runtime.Store.ListApprovalsAsync(null, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Collect_SameApprovalPolledTwice_CountsOnce()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        Expect.Issued(await PollAsync(id));

        Expect.Refused(await PollAsync(id), "invalid_grant", "already used");

        Assert.Equal(1, await Broker.RateCountAsync(Rule, SupportAgent, at: Broker.Now));
    }

    [Fact]
    public async Task Poll_DeniedApproval_CountsNothing()
    {
        var id = await AskAsync(Broker.RefundRequest());
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: false, "admin:carol", "order already refunded");
        }

        Expect.Refused(await PollAsync(id), "access_denied", "admin:carol");

        Assert.Equal(0, await Broker.RateCountAsync(Rule, SupportAgent, at: Broker.Now));
    }

    [Fact]
    public async Task Poll_ExpiredApproval_CountsNothing()
    {
        var askedAt = Broker.Now;
        var id = await AskAsync(Broker.RefundRequest());
        Broker.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        Expect.Refused(await PollAsync(id), "expired_token", "expired unanswered");

        Assert.Equal((0, 0), (await Broker.RateCountAsync(Rule, SupportAgent, at: askedAt), await Broker.RateCountAsync(Rule, SupportAgent, at: Broker.Now)));
    }

    [Fact]
    public async Task Collect_ApprovalAskedInAWindowThatEndedMeanwhile_CountsInTheWindowItIsCollectedIn()
    {
        var limit = Broker.Runtime.Policy.Current.Rules.Single(r => r.Id == Rule).RateLimit!;
        Broker.Clock.Advance(limit.WindowStart(Broker.Now) + limit.Window - Broker.Now - TimeSpan.FromMinutes(1));
        var askedAt = Broker.Now;
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        Broker.Clock.Advance(TimeSpan.FromMinutes(2));

        Expect.Issued(await PollAsync(id));

        Assert.Equal((0, 1), (await Broker.RateCountAsync(Rule, SupportAgent, at: askedAt), await Broker.RateCountAsync(Rule, SupportAgent, at: Broker.Now)));
    }

    [Fact]
    public async Task Collect_ApprovalStoredWithoutRateIncrements_CollectsAsBeforeAndCountsNothing()
    {
        // An approval asked before the increments were recorded (the column is null) is collected as it was then.
        var id = await AskAsync(Broker.RefundRequest());
        var asked = (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!;
        Assert.NotNull(asked.RateIncrements);
        var legacy = asked with { Id = "areq_legacy", BindingHash = "legacy", RateIncrements = null };
        await Broker.Runtime.Store.CommitAsync(new StoreBatch(legacy), CancellationToken.None);
        await ApproveAsync(legacy.Id);

        Expect.Issued(await PollAsync(legacy.Id));

        Assert.Equal(0, await Broker.RateCountAsync(Rule, SupportAgent, at: Broker.Now));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == legacy.Id);
        Assert.Equal(ApprovalStatus.Consumed, (await Broker.Runtime.Store.GetApprovalAsync(legacy.Id, CancellationToken.None))!.Status);
    }
}
