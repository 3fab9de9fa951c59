using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 6 when a human approves: approving re-checks, through the Attest stage, the same standing every poll checks
/// (run open, no revocation of the run, agent, tenant or user since the approval was asked for). An approval that could
/// never be collected is withdrawn with its audit record instead, the approver gets 409 <c>approval.withdrawn</c> naming
/// why, and the agent's poll answers invalid_grant (RFC 6749 §5.2). A denial grants nothing, so it needs no standing.
/// </summary>
[Trait("Invariant", "6")]
public sealed class ApprovalDecisionStandingTests : ApprovalTest
{
    [Fact]
    public async Task Invariant6_Approve_AfterRunEnded_ConflictWithdrawnAuditedPollWithdrawn()
    {
        var runToken = await Broker.StartRunAsync();
        var id = await AskAsync(Broker.InRunRequest(runToken));
        using (var admin = Broker.Admin())
        {
            await admin.EndRunAsync(RunId(runToken), "incident");
        }

        await AssertApproveWithdrawsAsync(id, AttestChecks.RunEnded.Id, $"run '{RunId(runToken)}' has ended");
        await AssertPollWithdrawnAsync(id);
    }

    [Theory]
    [InlineData("user", "alice", "standing.user_revoked")]
    [InlineData("tenant", "acme", "standing.tenant_revoked")]
    [InlineData("run", "run_plain_42", "standing.run_revoked")]
    public async Task Invariant6_Approve_AfterRevocation_ConflictWithdrawnAuditedPollWithdrawn(string target, string value, string check)
    {
        var id = await AskAsync(Broker.RefundRequest() with { Run = "run_plain_42" });
        await RevokeAsync(target, value);

        await AssertApproveWithdrawsAsync(id, check, $"{target} revocation");
        await AssertPollWithdrawnAsync(id);
    }

    [Fact]
    public async Task Invariant6_Approve_AfterAgentRevoked_ConflictWithdrawnAuditedPollWithdrawnOnceReEnabled()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("agent", SupportAgent);

        await AssertApproveWithdrawsAsync(id, AttestChecks.AgentRevoked.Id, "agent revocation");

        // The kill switch refuses the caller first; lifted, the poll still finds the approval withdrawn.
        Expect.Refused(await PollAsync(id), "invalid_request", $"agent '{SupportAgent}' is disabled");
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        await AssertPollWithdrawnAsync(id);
    }

    [Fact]
    public async Task Approve_StillStanding_ApprovedAndCollected()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("user", "bob");

        using (var admin = Broker.Admin())
        {
            var approved = await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked");
            Assert.Equal("approved", approved.GetProperty("status").GetString());
        }

        Expect.Issued(await PollAsync(id));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
    }

    [Fact]
    public async Task Deny_AfterRevocation_Denied_PollAccessDenied()
    {
        // A denial grants nothing, so it needs no standing: the human's answer is recorded as given.
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("user", "alice");

        using (var admin = Broker.Admin())
        {
            var denied = await admin.DecideApprovalAsync(id, approve: false, "admin:carol", "no");
            Assert.Equal("denied", denied.GetProperty("status").GetString());
        }

        Expect.Refused(await PollAsync(id), "access_denied", "admin:carol denied");
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
        await Broker.AssertNothingIssuedAsync();
    }

    private async Task AssertApproveWithdrawsAsync(string id, string check, string why)
    {
        using (var admin = Broker.Admin())
        {
            var conflict = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked"));
            Assert.Equal((409, ApprovalChecks.Withdrawn.Id), (conflict.Status, conflict.CheckId));
            Assert.Contains($"approval '{id}' was withdrawn, not approved", conflict.Description, StringComparison.Ordinal);
            Assert.Contains(why, conflict.Description, StringComparison.Ordinal);
            Assert.EndsWith("nothing will be issued for it", conflict.Description, StringComparison.Ordinal);

            // Approving again (or denying) names the withdrawal too, and writes nothing more.
            var again = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:dave", null));
            Assert.Equal((409, ApprovalChecks.Withdrawn.Id), (again.Status, again.CheckId));
        }

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused), e => e.Evidence["approval_id"] == id);
        Assert.Equal(("withdrawn", check, "admin:carol"), (record.Outcome, record.Evidence["check"], record.Evidence["approver"]));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
        var stored = (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!;
        Assert.Equal((ApprovalStatus.Withdrawn, null), (stored.Status, stored.Approver));
    }

    private async Task AssertPollWithdrawnAsync(string id)
    {
        var poll = await PollAsync(id);
        Expect.Refused(poll, "invalid_grant", $"approval '{id}' was withdrawn");
        Assert.Equal(ApprovalChecks.Withdrawn.Id, poll.Member("check_id"));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused), e => e.Evidence["approval_id"] == id && e.Outcome == "withdrawn");
        await Broker.AssertNothingIssuedAsync();
    }
}
