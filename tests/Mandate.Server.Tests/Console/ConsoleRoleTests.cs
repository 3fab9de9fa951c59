using System.Net;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// Invariant 1 in the console: a role that may not make a change cannot make it by posting the form itself, with a valid
/// form token of its own session, to any route; the answer is the 403 page and nothing changes.
/// </summary>
[Trait("Invariant", "1")]
public sealed class ConsoleRoleTests : ConsoleTest
{
    [Fact]
    public async Task Invariant1_ViewerForgingEveryChangeForm_Returns403AndChangesNothing()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var viewer = await SignInAsync(Viewer);
        var token = (await viewer.GetAsync("/approvals")).Token();

        var answers = new[]
        {
            await viewer.PostAsync($"/approvals/{id}/approve", token, ("reason", "forged")),
            await viewer.PostAsync($"/approvals/{id}/deny", token, ("reason", "forged")),
            await viewer.PostAsync("/agents/disable", token, ("agent", SupportAgent)),
            await viewer.PostAsync("/agents/enable", token, ("agent", SupportAgent)),
            await viewer.PostAsync("/revocations", token, ("target", "agent"), ("value", SupportAgent)),
            await viewer.PostAsync("/revocations", token, ("target", "user"), ("value", "alice")),
        };

        await AssertRefusedAndNothingChangedAsync(answers, id);
    }

    [Fact]
    public async Task Invariant1_ApproverForgingTheKillSwitchOrARevocation_Returns403AndChangesNothing()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var approver = await SignInAsync(Approver);
        var token = (await approver.GetAsync("/agents")).Token();

        var answers = new[]
        {
            await approver.PostAsync("/agents/disable", token, ("agent", SupportAgent)),
            await approver.PostAsync("/revocations", token, ("target", "token"), ("value", "jti-1")),
            await approver.PostAsync("/revocations", token, ("target", "tenant"), ("value", "acme")),
        };

        await AssertRefusedAndNothingChangedAsync(answers, id);
        // Nor is a confirmation page of a change it may not make shown to it.
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.GetAsync("/revocations/confirm?target=tenant&value=acme")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.GetAsync("/agents/disable?agent=" + Uri.EscapeDataString(SupportAgent))).Status);
    }

    [Fact]
    public async Task Invariant1_GetOfEveryChangeRoute_ChangesNothing()
    {
        // RFC 9110 §9.2.1: GET is safe; an admin's browser following a link to a change gets at most its confirmation page.
        var id = await AskAsync(Broker.RefundRequest());
        var admin = await SignInAsync(Admin);

        foreach (var path in new[]
        {
            $"/approvals/{id}/approve?reason=x", $"/approvals/{id}/deny", "/agents/disable?agent=" + Uri.EscapeDataString(SupportAgent),
            "/revocations/confirm?target=tenant&value=acme", "/revocations?target=tenant&value=acme", "/signout",
        })
        {
            var page = await admin.GetAsync(path);
            Assert.True(page.Status is HttpStatusCode.OK or HttpStatusCode.MethodNotAllowed, $"{path}: {page}");
        }

        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/runs")).Status);
    }

    private async Task AssertRefusedAndNothingChangedAsync(ConsoleBrowser.Page[] answers, string approval)
    {
        Assert.All(answers, a =>
        {
            Assert.True(a.Status == HttpStatusCode.Forbidden, a.ToString());
            Assert.True(a.HasElement("error"), a.ToString());
        });
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(approval, CancellationToken.None))!.Status);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.Null(Broker.Runtime.Revocations.DisabledBy(SupportAgent));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
    }
}
