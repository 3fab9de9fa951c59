using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Mcp;
using Mandate.Core.Storage;
using static Mandate.Core.Tests.Mcp.McpFixture;

namespace Mandate.Core.Tests.Mcp;

/// <summary>
/// A call above the approval threshold: pending until a human approves, then allowed exactly once (the approval is
/// consumed), and the next identical call asks again. Each approval is bound to the exact call.
/// </summary>
public sealed class McpApprovalLifecycleTests
{
    private static readonly McpToolCall LargeRefund = Call("refund", """{"amount":250,"order":"o-1"}""");

    [Fact]
    public async Task DecideAsync_LargeRefund_IsPending_AndRecordsTheApprovalWithItsRequest()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(LargeRefund);

        Assert.Equal(McpCallVerdict.ApprovalPending, decision.Verdict);
        Assert.Equal(McpCallChecks.ApprovalPending, decision.CheckId);
        Assert.Equal("mcp-large-refunds", decision.Rule);
        Assert.Equal(300, decision.ApprovalExpiresIn);
        Assert.True(decision.RecordArguments);
        Assert.Contains($"mandate approvals approve {decision.ApprovalId}", decision.Description, StringComparison.Ordinal);

        var approval = (await f.Store.GetApprovalAsync(decision.ApprovalId!, CancellationToken.None))!;
        Assert.Equal(ApprovalStatus.Pending, approval.Status);
        Assert.Equal(("payments-mcp", "orders:read refunds:write", "acme", "alice", "run_1"), (approval.Tool, approval.Scope, approval.Tenant, approval.User, approval.Run));
        Assert.Equal(f.Clock.GetUtcNow().AddMinutes(5), approval.ExpiresAt);
        Assert.Equal(
            $$"""[{"arguments":{"amount":250,"order":"o-1"},"arguments_sha256":"{{decision.ArgumentsHash}}","tool":"refund","type":"mcp_tool_call"}]""",
            approval.AuthorizationDetails);
        Assert.Equal(ApprovalBinding.ToolCallHash(Support, "run_1", "payments-mcp", "refund", decision.ArgumentsHash, "acme", "alice"), approval.BindingHash);
        foreach (var part in new[] { Support, "'refund'", "'payments-mcp'", "'acme'", "'alice'", decision.ArgumentsHash, "amount=250" })
        {
            Assert.Contains(part, approval.BindingMessage, StringComparison.Ordinal);
        }

        var requested = Assert.Single(await f.AuditAsync()).Event;
        Assert.Equal((AuditKinds.ApprovalRequested, "pending", decision.ApprovalId), (requested.Kind, requested.Outcome, requested.Evidence["approval_id"]));
    }

    [Fact]
    public async Task DecideAsync_ApprovalLifecycle_PendingThenSameOnRetryThenAllowedOnceThenPendingAgain()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var first = await f.DecideAsync(LargeRefund);
        f.Clock.Advance(TimeSpan.FromSeconds(10));
        var retry = await f.DecideAsync(LargeRefund);
        Assert.Equal((McpCallVerdict.ApprovalPending, first.ApprovalId), (retry.Verdict, retry.ApprovalId));
        Assert.Equal(290, retry.ApprovalExpiresIn);

        var (_, error) = await f.Approvals.DecideAsync(first.ApprovalId!, approve: true, "admin:carol", "ok", CancellationToken.None);
        Assert.Null(error);
        f.Clock.Advance(TimeSpan.FromSeconds(10));

        var allowed = await f.DecideAsync(LargeRefund);
        Assert.Equal((McpCallVerdict.Allowed, first.ApprovalId, "mcp-large-refunds"), (allowed.Verdict, allowed.ApprovalId, allowed.Rule));
        Assert.Null(allowed.CheckId);
        var consumed = (await f.Store.GetApprovalAsync(first.ApprovalId!, CancellationToken.None))!;
        Assert.Equal(ApprovalStatus.Consumed, consumed.Status);
        var consumption = (await f.AuditAsync())[^1].Event;
        Assert.Equal((AuditKinds.ApprovalConsumed, "consumed", "admin:carol"), (consumption.Kind, consumption.Outcome, consumption.Evidence["approver"]));

        f.Clock.Advance(TimeSpan.FromSeconds(10));
        var again = await f.DecideAsync(LargeRefund);
        Assert.Equal(McpCallVerdict.ApprovalPending, again.Verdict);
        Assert.NotEqual(first.ApprovalId, again.ApprovalId);
    }

    [Fact]
    public async Task Invariant1_DecideAsync_ApprovedUnderARuleAReloadRemoved_AnotherRuleAskingIsNotServedByIt()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var asked = await f.DecideAsync(LargeRefund);
        var (_, error) = await f.Approvals.DecideAsync(asked.ApprovalId!, approve: true, "admin:carol", "ok", CancellationToken.None);
        Assert.Null(error);

        // The operator replaces the rule: every refund now needs a human, under a rule nobody has approved anything for.
        await f.ReloadPolicyAsync(McpFixture.Policy
            .Replace("id: mcp-large-refunds", "id: mcp-all-refunds", StringComparison.Ordinal)
            .Replace("when: mcp.arguments.amount > 100", "when: mcp.arguments.amount > 0", StringComparison.Ordinal));
        f.Clock.Advance(TimeSpan.FromSeconds(10));
        var retry = await f.DecideAsync(LargeRefund);

        Assert.Equal((McpCallVerdict.ApprovalPending, "mcp-all-refunds"), (retry.Verdict, retry.Rule));
        Assert.NotEqual(asked.ApprovalId, retry.ApprovalId);
        Assert.Equal(ApprovalStatus.Approved, (await f.Store.GetApprovalAsync(asked.ApprovalId!, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Invariant5_DecideAsync_ApprovedThenAReloadKeepsTheRule_ConsumedRecordNamesTheAskedAndTheInForceVersion()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var asked = await f.DecideAsync(LargeRefund);
        var (_, error) = await f.Approvals.DecideAsync(asked.ApprovalId!, approve: true, "admin:carol", "ok", CancellationToken.None);
        Assert.Null(error);
        var askedUnder = f.Provider.Current.Version;

        // Another rule's wording changes; the rule that asked stands as it was.
        await f.ReloadPolicyAsync(McpFixture.Policy.Replace("Support may look orders up.", "Support may look up orders.", StringComparison.Ordinal));
        f.Clock.Advance(TimeSpan.FromSeconds(10));
        var allowed = await f.DecideAsync(LargeRefund);

        Assert.Equal((McpCallVerdict.Allowed, asked.ApprovalId), (allowed.Verdict, allowed.ApprovalId));
        var consumption = (await f.AuditAsync())[^1].Event;
        Assert.Equal(AuditKinds.ApprovalConsumed, consumption.Kind);
        Assert.NotEqual(askedUnder, f.Provider.Current.Version);
        Assert.Equal((askedUnder, f.Provider.Current.Version), (consumption.Evidence["approval_policy_version"], consumption.Evidence["policy_version_in_force"]));
    }

    [Fact]
    public async Task DecideAsync_DifferentArguments_GetADifferentApproval()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var first = await f.DecideAsync(LargeRefund);
        await f.Approvals.DecideAsync(first.ApprovalId!, approve: true, "admin:carol", null, CancellationToken.None);

        var other = await f.DecideAsync(Call("refund", """{"amount":9000,"order":"o-1"}"""));

        Assert.Equal(McpCallVerdict.ApprovalPending, other.Verdict);
        Assert.NotEqual(first.ApprovalId, other.ApprovalId);
        Assert.NotEqual(first.ArgumentsHash, other.ArgumentsHash);
        Assert.Equal(ApprovalStatus.Approved, (await f.Store.GetApprovalAsync(first.ApprovalId!, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task DecideAsync_SameCallInAnotherRunOrForAnotherUser_GetsItsOwnApproval()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var first = await f.DecideAsync(LargeRefund);
        await f.Approvals.DecideAsync(first.ApprovalId!, approve: true, "admin:carol", null, CancellationToken.None);

        var otherRun = await f.DecideAsync(LargeRefund, f.Caller with { Run = "run_2" });
        var otherUser = await f.DecideAsync(LargeRefund, f.Caller with { Subject = "bob" });

        Assert.Equal(McpCallVerdict.ApprovalPending, otherRun.Verdict);
        Assert.Equal(McpCallVerdict.ApprovalPending, otherUser.Verdict);
        Assert.Equal(3, new[] { first.ApprovalId, otherRun.ApprovalId, otherUser.ApprovalId }.Distinct().Count());
    }

    [Fact]
    public async Task DecideAsync_ExpiredPendingApproval_OpensANewPendingOne()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var first = await f.DecideAsync(LargeRefund);
        f.Clock.Advance(TimeSpan.FromMinutes(6));
        var next = await f.DecideAsync(LargeRefund);

        Assert.Equal(McpCallVerdict.ApprovalPending, next.Verdict);
        Assert.NotEqual(first.ApprovalId, next.ApprovalId);
        Assert.Equal(300, next.ApprovalExpiresIn);
    }

    [Fact]
    public async Task DecideAsync_ApprovedButNotUsedInTime_OpensANewPendingOne()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var first = await f.DecideAsync(LargeRefund);
        await f.Approvals.DecideAsync(first.ApprovalId!, approve: true, "admin:carol", null, CancellationToken.None);
        f.Clock.Advance(TimeSpan.FromMinutes(6));

        var next = await f.DecideAsync(LargeRefund);

        Assert.Equal(McpCallVerdict.ApprovalPending, next.Verdict);
        Assert.NotEqual(first.ApprovalId, next.ApprovalId);
        Assert.Equal(ApprovalStatus.Approved, (await f.Store.GetApprovalAsync(first.ApprovalId!, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task DecideAsync_DeniedApproval_RefusesThatExactCallUntilItsWindowEnds_ThenAsksAgain()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var first = await f.DecideAsync(LargeRefund);
        await f.Approvals.DecideAsync(first.ApprovalId!, approve: false, "admin:carol", "not this customer", CancellationToken.None);

        var refused = await f.DecideAsync(LargeRefund);
        Assert.Equal((McpCallVerdict.Denied, McpCallChecks.ApprovalDenied, first.ApprovalId), (refused.Verdict, refused.CheckId, refused.ApprovalId));
        Assert.Contains("not this customer", refused.Description, StringComparison.Ordinal);
        var recordsAfterRefusal = (await f.AuditAsync()).Count;

        f.Clock.Advance(TimeSpan.FromMinutes(5));
        var asksAgain = await f.DecideAsync(LargeRefund);

        Assert.Equal(McpCallVerdict.ApprovalPending, asksAgain.Verdict);
        Assert.NotEqual(first.ApprovalId, asksAgain.ApprovalId);
        Assert.Equal(recordsAfterRefusal + 1, (await f.AuditAsync()).Count);
    }

    [Fact]
    public async Task DecideAsync_RuleWithoutRecordArguments_KeepsArgumentsOutOfTheApproval()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(Call("quiet_refund", """{"amount":250,"iban":"DE00123"}"""));
        var approval = (await f.Store.GetApprovalAsync(decision.ApprovalId!, CancellationToken.None))!;

        Assert.False(decision.RecordArguments);
        Assert.Equal($$"""[{"arguments_sha256":"{{decision.ArgumentsHash}}","tool":"quiet_refund","type":"mcp_tool_call"}]""", approval.AuthorizationDetails);
        Assert.DoesNotContain("DE00123", approval.BindingMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("DE00123", string.Join('\n', (await f.AuditAsync()).Select(r => r.Payload)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecideAsync_StoreUnavailable_Throws_AndWritesNothing()
    {
        await using var f = await new McpFixture().MigrateAsync();
        f.Store.Unavailable = true;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => f.DecideAsync(LargeRefund));

        f.Store.Unavailable = false;
        Assert.Empty(await f.AuditAsync());
        Assert.Empty(await f.Store.ListApprovalsAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task DecideAsync_StoreUnavailableWhenConsuming_Throws_AndLeavesTheApprovalApproved()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var first = await f.DecideAsync(LargeRefund);
        await f.Approvals.DecideAsync(first.ApprovalId!, approve: true, "admin:carol", null, CancellationToken.None);
        var records = (await f.AuditAsync()).Count;
        f.Store.Unavailable = true;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => f.DecideAsync(LargeRefund));

        f.Store.Unavailable = false;
        Assert.Equal(ApprovalStatus.Approved, (await f.Store.GetApprovalAsync(first.ApprovalId!, CancellationToken.None))!.Status);
        Assert.Equal(records, (await f.AuditAsync()).Count);
    }

    [Fact]
    public async Task DecideAsync_AllowedWithoutApproval_NeverTouchesTheStore()
    {
        await using var f = await new McpFixture().MigrateAsync();
        f.Store.Unavailable = true;

        var decision = await f.DecideAsync(Call("refund", """{"amount":40}"""));

        Assert.Equal(McpCallVerdict.Allowed, decision.Verdict);
    }

    [Fact]
    public void ToolCallApproval_IsRecognisedByItsId()
    {
        var approval = new Approval
        {
            Id = "mcpa_x", Status = ApprovalStatus.Approved, Agent = Support, Run = "run_1", Tool = "payments-mcp", Tenant = "acme", Scope = "", AuthorizationDetails = "[]",
            BindingHash = "b", BindingMessage = "m", Rule = "r", PolicyVersion = "v", DecisionId = "d", LifetimeSeconds = 0, CreatedAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch,
        };

        Assert.True(McpCallPolicy.IsToolCallApproval(approval));
        Assert.False(McpCallPolicy.IsToolCallApproval(approval with { Id = "areq_x" }));
    }
}
