using System.Net;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Two approvers answering one approval at the same moment on the admin socket: exactly one decision stands and is
/// audited; the other approver gets a 409 Problem and leaves no record, so the trail never shows an approval both
/// approved and denied.
/// </summary>
public sealed class ApprovalDecisionRaceTests : ApprovalTest
{
    [Fact]
    public async Task Approval_ApprovedAndDeniedAtOnce_OneDecisionStandsTheOtherIs409AndOneRecord()
    {
        for (var round = 0; round < 5; round++)
        {
            var asked = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", $$"""[{"type":"refund","amount":{{250 + round}},"currency":"EUR"}]""")));
            var id = asked.Member("auth_req_id")!;

            var replies = await Task.WhenAll(
                AdminSocket.SendAsync(Broker, HttpMethod.Post, $"admin/approvals/{id}/approve", """{"approver":"admin:carol"}"""),
                AdminSocket.SendAsync(Broker, HttpMethod.Post, $"admin/approvals/{id}/deny", """{"approver":"admin:dave"}"""));

            var won = Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
            var lost = Assert.Single(replies, r => r.Status != HttpStatusCode.OK);
            // RFC 9110 §15.5.10: 409, the request conflicts with the approval's current state; RFC 9457 §3.1: status matches.
            Assert.Equal(HttpStatusCode.Conflict, lost.Status);
            Assert.Equal("application/problem+json", lost.MediaType);
            Assert.Equal(409, lost.Json.GetProperty("status").GetInt32());
            Assert.Equal("admin.approval_not_pending", lost.Json.GetProperty("check_id").GetString());
            var stored = await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None);
            Assert.Equal(won.Json.GetProperty("status").GetString(), stored!.Status.ToString().ToLowerInvariant());
            var decided = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided), e => e.Evidence["approval_id"] == id);
            Assert.Equal(stored.Status == ApprovalStatus.Approved ? "admin:carol" : "admin:dave", stored.Approver);
            Assert.Equal(stored.Status.ToString().ToLowerInvariant(), decided.Outcome);
        }
    }
}
