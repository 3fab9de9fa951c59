using System.Net;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// Separation of duties: the human check a rule asks for is another person's, so nobody approves in the console a
/// request their own agent made for them (the approval's user token came from the issuer they signed in at, for their
/// subject) unless <c>console.approvers.allow_self</c> says so. Denying it stays open to them.
/// </summary>
public sealed class SelfApprovalConsoleTests : ConsoleTest
{
    [Fact]
    public async Task ApproverApprovesARequestAskedOnTheirOwnBehalf_Refused403_ApprovalStaysPending()
    {
        var id = await AskedForAsync(Approver);
        var browser = await SignInAsync(Approver);

        var inbox = await browser.GetAsync("/approvals");
        Assert.False(inbox.HasElement($"approve-{id}"), inbox.ToString());
        Assert.True(inbox.HasElement($"own-{id}") && inbox.HasElement($"deny-{id}"), inbox.ToString());

        var confirm = await browser.GetAsync($"/approvals/{id}/approve");
        Assert.Equal(HttpStatusCode.Forbidden, confirm.Status);
        Assert.Contains("another approver must approve it", confirm.Html, StringComparison.Ordinal);
        Assert.Contains("console.approvers.allow_self", confirm.Html, StringComparison.Ordinal);

        var posted = await PostApproveAsync(browser, id, "looks fine to me");
        Assert.Equal(HttpStatusCode.Forbidden, posted.Status);
        Assert.Contains("another approver must approve it", posted.Html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.DoesNotContain(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided), e => e.Evidence["approval_id"] == id);
    }

    [Fact]
    public async Task ApproverDeniesARequestAskedOnTheirOwnBehalf_Recorded()
    {
        var id = await AskedForAsync(Approver);
        var browser = await SignInAsync(Approver);

        var done = await browser.ConfirmAsync($"/approvals/{id}/deny", "not something I asked for");

        Assert.True(done.Status == HttpStatusCode.OK, done.ToString());
        Assert.Equal(ApprovalStatus.Denied, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task AdminApprovesARequestAskedOnTheirOwnBehalf_Refused403()
    {
        var id = await AskedForAsync(Admin);
        var browser = await SignInAsync(Admin);

        var posted = await PostApproveAsync(browser, id, "I am the admin");

        Assert.Equal(HttpStatusCode.Forbidden, posted.Status);
        Assert.Contains("another approver must approve it", posted.Html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task AnotherApproverApprovesIt()
    {
        var id = await AskedForAsync(Admin);
        var browser = await SignInAsync(Approver);

        var done = await browser.ConfirmAsync($"/approvals/{id}/approve", "checked for Adam");

        Assert.True(done.Status == HttpStatusCode.OK, done.ToString());
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task SameSubjectAtAnotherIssuer_IsNotTheSamePerson_MayApprove()
    {
        var id = await AskedForAsync(Approver, issuer: Idp.Issuer + "other/");
        var browser = await SignInAsync(Approver);

        var done = await browser.ConfirmAsync($"/approvals/{id}/approve", "a namesake's request");

        Assert.True(done.Status == HttpStatusCode.OK, done.ToString());
    }

    /// <summary>The approve form posted as a page would post it, with the session's token of the deny confirmation (the approve one is refused).</summary>
    private static async Task<ConsoleBrowser.Page> PostApproveAsync(ConsoleBrowser browser, string id, string reason)
    {
        var deny = await browser.GetAsync($"/approvals/{id}/deny");
        Assert.True(deny.Status == HttpStatusCode.OK, deny.ToString());
        var fields = deny.HiddenFields().Where(f => f.Name != "__csrf").Append(("reason", reason)).ToArray();
        return await browser.PostAsync($"/approvals/{id}/approve", deny.Token(), fields);
    }
}

/// <summary><c>console.approvers.allow_self: true</c>: people may approve what their own agents asked for them.</summary>
public sealed class AllowedSelfApprovalConsoleTests : ConsoleTest
{
    protected override string ApproverLimits => "{ allow_self: true }";

    [Fact]
    public async Task ApproverApprovesARequestAskedOnTheirOwnBehalf_Recorded()
    {
        var id = await AskedForAsync(Approver);
        var browser = await SignInAsync(Approver);

        var done = await browser.ConfirmAsync($"/approvals/{id}/approve", "my own refund, checked");

        Assert.True(done.Status == HttpStatusCode.OK, done.ToString());
        Assert.Equal(ApprovalStatus.Approved, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
    }
}
