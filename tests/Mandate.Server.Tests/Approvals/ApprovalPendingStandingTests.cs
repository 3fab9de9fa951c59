using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Decisions;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 6 while an approval is still pending: every poll re-checks that the agent, run, tenant and user stand, so
/// an agent is not kept waiting (authorization_pending) for a request that could never be collected once a human said
/// yes. RFC 6749 §5.2: a revoked grant is invalid_grant; OpenID CIBA §11 keeps access_denied for the human's answer.
/// </summary>
[Trait("Invariant", "6")]
public sealed class ApprovalPendingStandingTests : ApprovalTest
{
    [Fact]
    public async Task Invariant6_ApprovalPoll_PendingThenRunEnded_WithdrawnInvalidGrantAudited()
    {
        var runToken = await Broker.StartRunAsync();
        var id = await AskAsync(Broker.InRunRequest(runToken));
        using (var admin = Broker.Admin())
        {
            await admin.EndRunAsync(RunId(runToken), "incident");
        }

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", $"approval '{id}' can no longer be collected", $"run '{RunId(runToken)}' has ended");
        Assert.Equal(AttestChecks.RunEnded.Id, reply.Member("check_id"));
        await AssertWithdrawnAsync(id, AttestChecks.RunEnded.Id);
    }

    [Theory]
    [InlineData("run", "run_plain_42", "standing.run_revoked")]
    [InlineData("user", "alice", "standing.user_revoked")]
    [InlineData("tenant", "acme", "standing.tenant_revoked")]
    public async Task Invariant6_ApprovalPoll_PendingThenRevoked_WithdrawnInvalidGrantAudited(string target, string value, string check)
    {
        var id = await AskAsync(Broker.RefundRequest() with { Run = "run_plain_42" });
        await RevokeAsync(target, value);

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", $"approval '{id}' can no longer be collected", $"{target} revocation");
        await AssertWithdrawnAsync(id, check);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_PendingThenAgentRevokedAndReEnabled_RefusedInvalidGrant()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("agent", SupportAgent);

        // The kill switch: the poll's caller is refused at attestation, like every other grant.
        Expect.Refused(await PollAsync(id), "invalid_request", $"agent '{SupportAgent}' is disabled");
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        Expect.Refused(await PollAsync(id), "invalid_grant", "agent revocation");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_PendingWithdrawn_ApproveAnswersConflictAndPollAnswersWithdrawn()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("user", "alice");
        Expect.Refused(await PollAsync(id), "invalid_grant", "user revocation");

        // No human is asked to decide what can never be collected: approve answers 409 naming the state.
        using (var admin = Broker.Admin())
        {
            var conflict = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:carol", null));
            Assert.Equal(409, conflict.Status);
            Assert.Contains($"approval '{id}' is withdrawn", conflict.Description, StringComparison.Ordinal);
            var listed = Assert.Single((await admin.ListApprovalsAsync("withdrawn")).EnumerateArray());
            Assert.Equal((id, "withdrawn"), (listed.GetProperty("id").GetString(), listed.GetProperty("status").GetString()));
        }

        Broker.Clock.Advance(TimeSpan.FromSeconds(ApprovalRequests.PollInterval));
        var again = await PollAsync(id);
        Expect.Refused(again, "invalid_grant", $"approval '{id}' was withdrawn", "make a new token request");
        Assert.Equal(ApprovalChecks.Withdrawn.Id, again.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task ApprovalPoll_PendingAndStanding_StillAnswersAuthorizationPending()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await RevokeAsync("user", "bob");

        Expect.Refused(await PollAsync(id), "authorization_pending", $"approval '{id}' is still waiting for a human");
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
    }

    private async Task AssertWithdrawnAsync(string id, string check)
    {
        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused), e => e.Evidence["approval_id"] == id);
        Assert.Equal(("withdrawn", check), (refusal.Outcome, refusal.Evidence["check"]));
        await Broker.AssertNothingIssuedAsync();
        Assert.Equal(ApprovalStatus.Withdrawn, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }
}
