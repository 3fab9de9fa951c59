using Mandate.Core.Attestation;
using Mandate.Core.Revocation;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 6, revocation has no way around it: a human's approval is not a credential. Collecting it (the
/// CIBA poll, OpenID CIBA §10.1) attests the agent like every other grant and re-checks, at that moment, that
/// the agent, run, tenant and user are still allowed. RFC 6749 §5.2: a grant revoked since it was made is
/// invalid_grant; an agent that is disabled or not registered is invalid_request, as at the exchange (RFC 8693 §2.2.2).
/// </summary>
public sealed class ApprovalRevocationTests : ApprovalTest
{
    [Fact]
    public async Task Invariant6_ApprovalPoll_ApprovedThenAgentDisabled_RefusedInvalidRequestAuditedNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        await RevokeAsync("agent", SupportAgent);

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_request", $"agent '{SupportAgent}' is disabled", "mandate agents enable");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.AgentDisabled.Id);

        // The kill switch and the approval's revocation are two things: lifting the first does not bring the approval back.
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        Expect.Refused(await PollAsync(id), "invalid_grant", "agent revocation");
        Assert.Null((await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Jti);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_ApprovedThenRunEnded_RefusedInvalidGrantAuditedNothingIssued()
    {
        var runToken = await Broker.StartRunAsync();
        var id = await AskAsync(Broker.InRunRequest(runToken));
        await ApproveAsync(id);
        using (var admin = Broker.Admin())
        {
            await admin.EndRunAsync(RunId(runToken), "incident");
        }

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", $"approval '{id}' can no longer be collected", $"run '{RunId(runToken)}' has ended");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.RunEnded.Id);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_ApprovedThenRunRevoked_RefusedInvalidGrantAuditedNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest() with { Run = "run_plain_42" });
        await ApproveAsync(id);
        await RevokeAsync("run", "run_plain_42");

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", "run revocation");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.RunRevoked.Id);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_ApprovedThenUserRevoked_RefusedInvalidGrantAuditedNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        await RevokeAsync("user", "alice");

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", "user revocation");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.UserRevoked.Id);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_ApprovedThenTenantRevoked_RefusedInvalidGrantAuditedNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        await RevokeAsync("tenant", "acme");

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", "tenant revocation");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.TenantRevoked.Id);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_InRunApprovedThenUserRevoked_RefusedInvalidGrant()
    {
        var runToken = await Broker.StartRunAsync();
        var id = await AskAsync(Broker.InRunRequest(runToken));
        await ApproveAsync(id);
        await RevokeAsync("user", "alice");

        Expect.Refused(await PollAsync(id), "invalid_grant", "user revocation");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.UserRevoked.Id);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_UnregisteredWorkload_RefusedInvalidRequestNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        Expect.Refused(await PollAsync(id, UnregisteredAgent), "invalid_request", "is not a registered agent");
        Expect.Refused(await PollAsync(id, "spiffe://globex.example/agents/support"), "invalid_request", "outside the trust domain");

        await Broker.AssertNothingIssuedAsync();

        // The approval is untouched by strangers: its own agent still collects it.
        Expect.Issued(await PollAsync(id));
    }

    [Fact]
    public async Task ApprovalPoll_RevocationBeforeTheApprovalWasAsked_DoesNotCoverIt()
    {
        // A revocation covers what was granted up to its time; a later request is a new grant.
        await RevokeAsync("user", "alice");
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);

        var credential = Expect.Issued(await PollAsync(id));

        Assert.True(await Broker.ActiveAsync(credential));
    }
}
