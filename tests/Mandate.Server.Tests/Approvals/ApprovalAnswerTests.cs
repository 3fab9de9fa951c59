using System.Net;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// The human's answer, read against OpenID CIBA Core §11 and RFC 8628 §3.5 (whose vocabulary the poll borrows): a denial
/// stays a denial, a poll cannot widen what was approved, and an approval decided out of time (expired, already decided)
/// is refused as a conflict without a second record. Every refusal changes nothing.
/// </summary>
public sealed class ApprovalAnswerTests : ApprovalTest
{
    [Fact]
    public async Task Invariant7_ApprovalPoll_AfterDenial_AccessDeniedNamingTheApproverOnEveryPollAndNothingChanges()
    {
        var id = await AskAsync(Broker.RefundRequest());
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: false, "admin:carol", "order already refunded");
        }

        var records = (await Broker.ReadAuditAsync()).Count;
        // CIBA §11: access_denied, "the end-user denied the authorization request"; polled again it stays so.
        foreach (var reply in new[] { await PollAsync(id), await PollAsync(id) })
        {
            Expect.Refused(reply, "access_denied", "admin:carol", "order already refunded");
            Assert.Equal(ApprovalChecks.Denied.Id, reply.Member("check_id"));
        }

        Assert.Equal(records, (await Broker.ReadAuditAsync()).Count);
        Assert.Equal(ApprovalStatus.Denied, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant3_ApprovalPoll_SendingWiderScopeAnotherResourceAndLongerLifetime_CollectsOnlyWhatWasApproved()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        // The approval binds scope, tool and lifetime (token-format.md); the poll's own copies of them widen nothing.
        var reply = await Broker.PostFormAsync("oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", Broker.Svid(SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
            new("scope", "refunds:admin"),
            new("resource", Crm),
            new("requested_lifetime", "86400"),
        ]);

        var token = Expect.Issued(reply);
        var jwt = IssuedTokens.Read(token);
        Assert.Equal("refunds:write", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal([Refunds], jwt.Audiences);
        Assert.True(IssuedTokens.Lifetime(token) <= TimeSpan.FromMinutes(5), $"lifetime {IssuedTokens.Lifetime(token)}");
    }

    [Fact]
    public async Task Invariant7_ApprovalDecide_AfterItExpired_Is409NotPendingAndRecordsNothing()
    {
        var id = await AskAsync(Broker.RefundRequest());
        Broker.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var decisions = (await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided)).Count;

        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Post, $"admin/approvals/{id}/approve", """{"approver":"admin:carol"}""");

        // RFC 9110 §15.5.10: the request conflicts with the approval's state; RFC 9457 §3.1: the Problem's status matches.
        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal((409, "admin.approval_not_pending"), (reply.Json.GetProperty("status").GetInt32(), reply.Json.GetProperty("check_id").GetString()));
        Assert.Contains("expired", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(decisions, (await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided)).Count);
        // CIBA §11: expired_token, "the auth_req_id has expired"; a late approval did not revive it.
        var poll = await PollAsync(id);
        Expect.Refused(poll, "expired_token", "expired unanswered");
        Assert.Equal(ApprovalChecks.Expired.Id, poll.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ApprovalDecide_DeniedAfterItWasApproved_Is409AndTheApprovalStillStands()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Post, $"admin/approvals/{id}/deny", """{"approver":"admin:dave"}""");

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("admin.approval_not_pending", reply.Json.GetProperty("check_id").GetString());
        Assert.Contains("approved", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var decided = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided), e => e.Evidence["approval_id"] == id);
        Assert.Equal("approved", decided.Outcome);
        Assert.Equal("admin:carol", (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Approver);
        Expect.Issued(await PollAsync(id));
    }

    [Fact]
    public async Task Invariant1_ApprovalPoll_ByAnotherAgent_IsUnknownToItAndStaysCollectableByTheAgentThatAsked()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        // CIBA §10.1: the auth_req_id is bound to the client that asked; another client gets invalid_grant.
        var reply = await Broker.AssertAuditUnchangedAsync(() => PollAsync(id, ResearchAgent));

        Expect.Refused(reply, "invalid_grant", "auth_req_id is unknown or was issued to another agent");
        Assert.Equal(ApprovalChecks.Unknown.Id, reply.Member("check_id"));
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Expect.Issued(await PollAsync(id));
    }

    [Fact]
    public async Task Invariant7_ApprovalPoll_AfterCollection_InvalidGrantConsumedAndOneCredential()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        Expect.Issued(await PollAsync(id));

        // CIBA §10.1 borrows RFC 6749 §5.2: a used grant is invalid_grant; approvals are single use.
        var reply = await Broker.AssertAuditUnchangedAsync(() => PollAsync(id));

        Expect.Refused(reply, "invalid_grant", "already used", "make a new token request");
        Assert.Equal(ApprovalChecks.Consumed.Id, reply.Member("check_id"));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }
}
