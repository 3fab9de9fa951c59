using System.Net;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Console;

/// <summary>The approvals inbox: the exact tool call and its hash, approve / deny through a confirmation, as the signed-in person.</summary>
public sealed class ApprovalConsoleTests : ConsoleTest
{
    [Fact]
    public async Task An_approver_approves_in_the_console_and_the_agents_poll_gets_the_credential()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var approval = (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!;
        var browser = await SignInAsync(Approver);

        var inbox = await browser.GetAsync("/approvals");
        Assert.True(inbox.HasElement($"approve-{id}") && inbox.HasElement($"deny-{id}"), inbox.ToString());
        Assert.Contains(approval.BindingHash, inbox.Html, StringComparison.Ordinal);
        Assert.Contains("&quot;amount&quot;:250", inbox.Html, StringComparison.Ordinal);

        var confirm = await browser.GetAsync($"/approvals/{id}/approve");
        Assert.Contains(approval.BindingHash, confirm.Html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);

        var done = await browser.ConfirmAsync($"/approvals/{id}/approve", "order checked");
        Assert.True(done.Status == HttpStatusCode.OK, done.ToString());
        Assert.True(done.HasElement("result"));

        var poll = await PollAsync(id);
        Assert.True(poll.AccessToken is not null, poll.ToString());
        var decided = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided), e => e.Evidence["approval_id"] == id);
        Assert.Equal($"console:Alice Approver ({Idp.Issuer} approver-1)", decided.Evidence["approver"]);
        Assert.Equal("approved", decided.Outcome);
        Assert.Equal("order checked", decided.Reason);
    }

    [Fact]
    public async Task Details_an_agent_chose_are_shown_with_their_bidi_overrides_and_controls_written_out()
    {
        // An agent writes the approval's details; a right-to-left override in them would make the approver read a
        // different refund than the one bound ("Trojan Source"). The page shows such characters as \u202E.
        var details = """[{"type":"refund","amount":250,"currency":"EUR\u202E\u2066\u001b[2J"}]""";
        var reply = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", details)));
        Assert.True(reply.Error == "authorization_pending", reply.ToString());
        var browser = await SignInAsync(Approver);

        var inbox = await browser.GetAsync("/approvals");

        Assert.Contains(reply.Member("auth_req_id")!, inbox.Html, StringComparison.Ordinal);
        Assert.Contains("EUR\\u202E\\u2066\\u001B[2J", inbox.Html, StringComparison.Ordinal);
        foreach (var raw in new[] { "\u202E", "\u2066", "\u001b", "&#x202E;", "&#x2066;", "&#x1B;" })
        {
            Assert.DoesNotContain(raw, inbox.Html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_denial_in_the_console_reaches_the_agent()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var browser = await OneTimeAdminAsync();
        var done = await browser.ConfirmAsync($"/approvals/{id}/deny", "not this customer");
        Assert.Equal(HttpStatusCode.OK, done.Status);
        var poll = await PollAsync(id);
        Assert.Equal("access_denied", poll.Error);
        Assert.Contains("local-admin (one-time login)", poll.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_sees_the_inbox_but_cannot_approve()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var viewer = await SignInAsync(Viewer);
        var inbox = await viewer.GetAsync("/approvals");
        Assert.Equal(HttpStatusCode.OK, inbox.Status);
        Assert.Contains(id, inbox.Html, StringComparison.Ordinal);
        Assert.False(inbox.HasElement($"approve-{id}"));

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/approvals/{id}/approve")).Status);
        // Even with a valid form token of their own, the POST is refused and nothing changes.
        var forbidden = await viewer.PostAsync($"/approvals/{id}/approve", inbox.Token(), ("reason", "sneaky"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
        Assert.Equal("authorization_pending", (await PollAsync(id)).Error);
    }

    [Fact]
    [Trait("Invariant", "6")]
    public async Task Invariant6_Approving_after_the_users_revocation_shows_the_approval_withdrawn()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var browser = await SignInAsync(Approver);
        var token = (await browser.GetAsync($"/approvals/{id}/approve")).Token();
        await RevokeAsync("user", "alice");

        var refused = await browser.PostAsync($"/approvals/{id}/approve", token, ("reason", "order checked"));

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("Approval withdrawn", refused.Html, StringComparison.Ordinal);
        Assert.Contains("user revocation", refused.Html, StringComparison.Ordinal);
        Assert.Contains("nothing will be issued for it", refused.Html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Withdrawn, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
        Assert.Equal(ApprovalChecks.Withdrawn.Id, (await PollAsync(id)).Member("check_id"));
    }

    [Fact]
    [Trait("Invariant", "6")]
    public async Task Invariant6_Inbox_marks_a_pending_approval_that_no_longer_stands_without_buttons_and_changes_nothing()
    {
        var revoked = await AskAsync(Broker.RefundRequest() with { Run = "run_plain_42" });
        var standing = await AskAsync(Broker.RefundRequest() with { Run = "run_plain_43" });
        await RevokeAsync("run", "run_plain_42");
        var browser = await SignInAsync(Approver);

        var inbox = await browser.GetAsync("/approvals");

        Assert.True(inbox.HasElement($"stale-{revoked}"), inbox.ToString());
        Assert.Contains("no longer stands: ", inbox.Html, StringComparison.Ordinal);
        Assert.Contains("run revocation", inbox.Html, StringComparison.Ordinal);
        Assert.False(inbox.HasElement($"approve-{revoked}") || inbox.HasElement($"deny-{revoked}"));
        Assert.True(inbox.HasElement($"approve-{standing}") && !inbox.HasElement($"stale-{standing}"), inbox.ToString());
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(revoked, CancellationToken.None))!.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
    }

    [Fact]
    public async Task Deciding_twice_or_an_unknown_approval_changes_nothing()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var browser = await OneTimeAdminAsync();
        var token = (await browser.GetAsync($"/approvals/{id}/approve")).Token();
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync($"/approvals/{id}/approve", token)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await browser.PostAsync($"/approvals/{id}/deny", token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync("/approvals/nope/approve", token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/approvals/nope/approve")).Status);
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
    }
}

/// <summary><c>console.approvers</c> limits approvers (not admins) to tenants and tools.</summary>
public sealed class ApproverLimitTests : ConsoleTest
{
    protected override string ApproverLimits => "{ tenants: [globex], tools: [refunds] }";

    [Fact]
    public async Task An_approver_outside_their_tenants_cannot_decide_but_an_admin_can()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var approver = await SignInAsync(Approver);
        var inbox = await approver.GetAsync("/approvals");
        Assert.Contains(id, inbox.Html, StringComparison.Ordinal);
        Assert.False(inbox.HasElement($"approve-{id}"));
        var refused = await approver.GetAsync($"/approvals/{id}/approve");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("tenant &#x27;acme&#x27;", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.PostAsync($"/approvals/{id}/approve", inbox.Token())).Status);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);

        var admin = await SignInAsync(Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.ConfirmAsync($"/approvals/{id}/approve")).Status);
        Assert.True((await PollAsync(id)).AccessToken is not null);
    }
}
