using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// A versioned policy decides at the moment of issuance: an approval asked under one version is approved or collected
/// under a reloaded one only while its rule still requires a human for that tool call. A reload that dropped the rule,
/// or made it deny, withdraws the approval with its audit record: the poll answers invalid_grant (RFC 6749 §5.2)
/// <c>approval.policy_changed</c>, approving it answers 409, and nothing is issued.
/// </summary>
public sealed class ApprovalPolicyChangeTests : ApprovalTest
{
    private static readonly string WithoutApprovalRule = ApprovalPolicy[..ApprovalPolicy.IndexOf("  - id: big-refunds-need-approval", StringComparison.Ordinal)];

    private static readonly string ApprovalRuleDenies = ApprovalPolicy
        .Replace("effect: require_approval", "effect: deny", StringComparison.Ordinal)
        .Replace("\n    approval_expires_in: 10m", "", StringComparison.Ordinal);

    [Fact]
    public async Task Invariant1_Poll_ApprovedThenRuleRemovedByReload_InvalidGrantPolicyChangedWithdrawnNothingIssued()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var before = Broker.Runtime.Policy.Current.Version;
        await ApproveAsync(id);
        await ReloadAsync(WithoutApprovalRule);

        var poll = await PollAsync(id);

        Expect.Refused(poll, "invalid_grant", "rule 'big-refunds-need-approval'");
        Assert.Equal(ApprovalChecks.PolicyChanged.Id, poll.Member("check_id"));
        Assert.Contains(before, poll.Description, StringComparison.Ordinal);
        Assert.Contains(Broker.Runtime.Policy.Current.Version, poll.Description, StringComparison.Ordinal);
        Assert.Contains("make a new token request", poll.Description, StringComparison.Ordinal);
        await AssertRefusedAndNothingIssuedAsync(id, ApprovalChecks.PolicyChanged.Id);
        Expect.Refused(await PollAsync(id), "invalid_grant", $"approval '{id}' was withdrawn");
    }

    [Fact]
    public async Task Invariant1_Poll_PendingThenRuleNowDenies_InvalidGrantPolicyChangedWithdrawn()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ReloadAsync(ApprovalRuleDenies);

        var poll = await PollAsync(id);

        Expect.Refused(poll, "invalid_grant", "no longer requires an approval");
        Assert.Equal(ApprovalChecks.PolicyChanged.Id, poll.Member("check_id"));
        var approval = await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Withdrawn, approval!.Status);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant1_Approve_PendingThenRuleRemovedByReload_ConflictPolicyChangedWithdrawn()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ReloadAsync(WithoutApprovalRule);

        using (var admin = Broker.Admin())
        {
            var conflict = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked"));
            Assert.Equal((409, ApprovalChecks.PolicyChanged.Id), (conflict.Status, conflict.CheckId));
            Assert.Contains("rule 'big-refunds-need-approval'", conflict.Description, StringComparison.Ordinal);
        }

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
        Assert.Equal(("withdrawn", ApprovalChecks.PolicyChanged.Id, "admin:carol"), (record.Outcome, record.Evidence["check"], record.Evidence["approver"]));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided));
        Expect.Refused(await PollAsync(id), "invalid_grant", $"approval '{id}' was withdrawn");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Poll_ReloadKeepsTheRule_Collected()
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        await ReloadAsync(ApprovalPolicy + "\n" + ResearchReadsRefunds);

        Expect.Issued(await PollAsync(id));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
    }

    [Fact]
    public async Task Invariant5_Poll_ReloadKeepsTheRule_IssuanceRecordNamesTheAskedAndTheInForceVersion()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var asked = Broker.Runtime.Policy.Current.Version;
        await ApproveAsync(id);
        await ReloadAsync(ApprovalPolicy + "\n# reworded comment: the rule stands\n");

        var token = IssuedTokens.Read(Expect.Issued(await PollAsync(id)));

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == id);
        Assert.Equal((asked, asked), (record.PolicyVersion, record.Evidence["approval_policy_version"]));
        Assert.Equal(Broker.Runtime.Policy.Current.Version, record.Evidence["policy_version_in_force"]);
        Assert.NotEqual(asked, record.Evidence["policy_version_in_force"]);
        Assert.Equal(asked, token.GetClaim("pol").Value);
    }

    [Fact]
    public async Task Invariant5_Poll_NoReload_IssuanceRecordNamesTheSameVersionTwice()
    {
        var id = await AskAsync(Broker.RefundRequest());
        var version = Broker.Runtime.Policy.Current.Version;
        await ApproveAsync(id);

        Expect.Issued(await PollAsync(id));

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == id);
        Assert.Equal((version, version, version), (record.PolicyVersion, record.Evidence["approval_policy_version"], record.Evidence["policy_version_in_force"]));
    }
}
