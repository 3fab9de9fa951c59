using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Mcp;
using Mandate.Core.Revocation;
using Mandate.Core.Tests.Mcp;
using static Mandate.Core.Tests.Mcp.McpFixture;
using RevocationRecord = Mandate.Core.Revocation.Revocation;

namespace Mandate.Core.Tests.Approvals;

/// <summary>
/// Invariant 6 on the in-memory reference store: <see cref="ApprovalService"/> approves only what could still be
/// collected (the Attest stage's standing); otherwise it withdraws the approval with one audit record. Denying needs no standing.
/// </summary>
[Trait("Invariant", "6")]
public sealed class ApprovalServiceStandingTests
{
    private static readonly McpToolCall LargeRefund = Call("refund", """{"amount":250,"order":"o-1"}""");

    [Fact]
    public async Task Invariant6_DecideAsync_ApproveAfterUserRevocation_WithdrawnWithOneRecord()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var id = (await f.DecideAsync(LargeRefund)).ApprovalId!;
        f.Clock.Advance(TimeSpan.FromSeconds(5));
        f.Revocations.Add(Revoked(RevocationTarget.User, "alice", f.Clock.GetUtcNow()));

        var result = await f.Approvals.DecideAsync(id, approve: true, "admin:carol", "ok", CancellationToken.None);

        Assert.Equal((ApprovalChecks.Withdrawn.Id, ApprovalStatus.Withdrawn), (result.CheckId, result.Approval!.Status));
        Assert.StartsWith($"approval '{id}' was withdrawn, not approved: the request it approves was revoked (user revocation rev_1)", result.Error, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Withdrawn, (await f.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        var withdrawn = Assert.Single(await f.AuditAsync(), r => r.Event.Kind == AuditKinds.ApprovalRefused).Event;
        Assert.Equal(("withdrawn", AttestChecks.UserRevoked.Id, "rev_1", "admin:carol"),
            (withdrawn.Outcome, withdrawn.Evidence["check"], withdrawn.Evidence["revocation"], withdrawn.Evidence["approver"]));
        Assert.DoesNotContain(await f.AuditAsync(), r => r.Event.Kind == AuditKinds.ApprovalDecided);
    }

    [Fact]
    public async Task DecideAsync_DenyAfterUserRevocation_Denied()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var id = (await f.DecideAsync(LargeRefund)).ApprovalId!;
        f.Clock.Advance(TimeSpan.FromSeconds(5));
        f.Revocations.Add(Revoked(RevocationTarget.User, "alice", f.Clock.GetUtcNow()));

        var result = await f.Approvals.DecideAsync(id, approve: false, "admin:carol", "no", CancellationToken.None);

        Assert.Equal((null, null, ApprovalStatus.Denied), (result.Error, result.CheckId, result.Approval!.Status));
        Assert.DoesNotContain(await f.AuditAsync(), r => r.Event.Kind == AuditKinds.ApprovalRefused);
    }

    [Fact]
    public async Task DecideAsync_ApproveWithARevocationOfAnotherUser_Approved()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var id = (await f.DecideAsync(LargeRefund)).ApprovalId!;
        f.Revocations.Add(Revoked(RevocationTarget.User, "bob", f.Clock.GetUtcNow()));

        var result = await f.Approvals.DecideAsync(id, approve: true, "admin:carol", "ok", CancellationToken.None);

        Assert.Equal((null, ApprovalStatus.Approved), (result.Error, result.Approval!.Status));
    }

    private static RevocationRecord Revoked(RevocationTarget target, string value, DateTimeOffset at) => new()
    {
        Id = "rev_1",
        Target = target,
        Value = value,
        RevokedAt = at,
        KeepUntil = at.AddHours(1),
        RevokedBy = "admin",
    };
}
