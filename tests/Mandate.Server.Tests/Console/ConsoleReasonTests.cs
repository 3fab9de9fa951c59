using System.Net;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// Invariant 8 in the console: the reason typed on a confirmation is kept for good by the audit trail, so a whole token, a
/// line break, a bidirectional override or more than 500 characters are refused (400, naming the rule), not cut or cleaned,
/// and nothing changes. The form reader already refuses other control characters.
/// </summary>
[Trait("Invariant", "8")]
public sealed class ConsoleReasonTests : ConsoleTest
{
    protected override string Configuration => VaultedTool.AddTo(base.Configuration);

    private const string Jwt = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";

    public static TheoryData<string, string> Reasons => new()
    {
        { "Bearer " + Jwt, "holds a whole token" },
        { "incident 42\nkind=issuance outcome=allow", "holds a control or format character" },
        { "ecila\u202Eevil", "holds a control or format character" },
        { new string('r', 501), "reason is 501 characters long" },
    };

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Invariant8_ConsoleRevokeReasonBreakingTheTextRule_Returns400AndChangesNothing(string reason, string rule)
    {
        var admin = await OneTimeAdminAsync();

        var posted = await admin.ConfirmAsync("/revocations/confirm?target=user&value=alice", reason);

        AssertRefused(posted, rule);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Invariant8_ConsoleKillSwitchReasonBreakingTheTextRule_Returns400AndChangesNothing(string reason, string rule)
    {
        var admin = await OneTimeAdminAsync();

        var posted = await admin.ConfirmAsync($"/agents/disable?agent={Uri.EscapeDataString(TestBroker.SupportAgent)}", reason);

        AssertRefused(posted, rule);
        Assert.Null(Broker.Runtime.Revocations.DisabledBy(TestBroker.SupportAgent));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Invariant8_ConsoleApprovalReasonBreakingTheTextRule_Returns400AndLeavesItPending(string reason, string rule)
    {
        var id = await AskAsync(Broker.RefundRequest());
        var browser = await SignInAsync(Approver);

        var posted = await browser.ConfirmAsync($"/approvals/{id}/deny", reason);

        AssertRefused(posted, rule);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
    }

    [Fact]
    public async Task Invariant8_ConsoleRevokeReasonHoldingAVaultedSecret_Returns400AndChangesNothing()
    {
        var secret = await VaultedTool.SetAsync(Broker);
        var admin = await OneTimeAdminAsync();

        var posted = await admin.ConfirmAsync("/revocations/confirm?target=user&value=alice", $"rotated after {secret} leaked");

        AssertRefused(posted, "holds a secret from the vault");
        Assert.DoesNotContain(secret, posted.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Fact]
    public async Task Invariant8_ConsoleApprovalReasonHoldingAVaultedSecret_Returns400AndLeavesItPending()
    {
        var secret = await VaultedTool.SetAsync(Broker);
        var id = await AskAsync(Broker.RefundRequest());
        var browser = await SignInAsync(Approver);

        var posted = await browser.ConfirmAsync($"/approvals/{id}/deny", secret);

        AssertRefused(posted, "holds a secret from the vault");
        Assert.DoesNotContain(secret, posted.Html, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Pending, (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
    }

    private static void AssertRefused(ConsoleBrowser.Page posted, string rule)
    {
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.Contains(rule, posted.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(Jwt, posted.Html, StringComparison.Ordinal);
    }
}
