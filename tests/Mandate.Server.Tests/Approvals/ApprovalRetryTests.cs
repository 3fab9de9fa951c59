using System.Text.Json;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// An agent that re-sends a token request waiting for a human gets the same auth_req_id (OpenID CIBA §7.3) while that
/// approval is pending, so approvers see one request, not one per retry; each retry is still decided and audited.
/// Anything that makes the approval unusable (decided, expired, revoked, another tool call) asks again.
/// </summary>
public sealed class ApprovalRetryTests : ApprovalTest
{
    [Fact]
    public async Task ApprovalRequest_SameRequestRetried_AnswersTheSameAuthReqIdAndAuditsTheRepeat()
    {
        var request = Broker.RefundRequest();
        var id = await AskAsync(request);
        Broker.Clock.Advance(TimeSpan.FromSeconds(30));

        var retry = await Broker.PostFormAsync("oauth2/token", (request with { ActorToken = Broker.Svid(SupportAgent) }).ToForm().Append(new("authorization_details", BigRefund)));

        Expect.Refused(retry, "authorization_pending", "waiting for a human to approve");
        Assert.Equal(id, retry.Member("auth_req_id"));
        Assert.Equal(570, retry.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal(JsonValueKind.Number, retry.Json.GetProperty("interval").ValueKind);
        Assert.Equal(id, Assert.Single(await Broker.Runtime.Store.ListApprovalsAsync(null, 10, CancellationToken.None)).Id);
        var requested = await Broker.AuditEventsAsync(AuditKinds.ApprovalRequested);
        Assert.Equal(["pending", "repeated"], requested.Select(e => e.Outcome));
        Assert.All(requested, e => Assert.Equal(id, e.Evidence["approval_id"]));
        var decisions = (await Broker.AuditEventsAsync(AuditKinds.Decision)).Where(e => e.Outcome == "pending").ToList();
        Assert.Equal(2, decisions.Count);
        Assert.Equal(decisions[1].DecisionId, requested[1].Evidence["repeated_decision_id"]);
    }

    [Fact]
    public async Task ApprovalRequest_RetriedAfterDenial_AsksAgain()
    {
        var id = await AskAsync(Broker.RefundRequest());
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: false, "admin:carol", "not this one");
        }

        Assert.NotEqual(id, await AskAsync(Broker.RefundRequest()));
    }

    [Fact]
    public async Task ApprovalRequest_RetriedAfterExpiry_AsksAgain()
    {
        var id = await AskAsync(Broker.RefundRequest());
        Broker.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.NotEqual(id, await AskAsync(Broker.RefundRequest()));
    }

    [Fact]
    public async Task ApprovalRequest_AnotherRefundOrScope_AsksSeparately()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var other = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm()
            .Append(new("authorization_details", BigRefund.Replace("250", "251", StringComparison.Ordinal))));

        Assert.NotEqual(id, other.Member("auth_req_id"));
        Assert.NotEqual(id, await AskAsync(Broker.RefundRequest() with { Scope = "refunds:read refunds:write" }));
        Assert.Equal(3, (await Broker.Runtime.Store.ListApprovalsAsync(ApprovalStatus.Pending, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Invariant6_ApprovalRequest_RetriedWithANewUserTokenAfterAUserRevocation_AsksAgain()
    {
        // The pending approval rests on a user token the revocation took away: it can never be collected, so it is not handed out again.
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("user", "alice");
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));

        var again = await AskAsync(Broker.RefundRequest());

        Assert.NotEqual(id, again);
        await ApproveAsync(again);
        Expect.Issued(await PollAsync(again));
    }
}
