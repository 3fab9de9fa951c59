using Mandate.Core.Approvals;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// The approval columns added after the first release: an approval written before each keeps every field and behaves as
/// it did. Migration 0016 records the agent whose rule asked (an older approval is judged against its own agent's rules);
/// 0017 the rate counters an approved credential counts against (an older approval reads back without any and is still
/// collected, counting nothing).
/// </summary>
public sealed class SqliteApprovalMigrationTests : SqliteTestBase
{
    private const int RuleAgentVersion = 16;
    private const int RateIncrementsVersion = 17;

    [Fact]
    public async Task MigrateAsync_ApprovalFromBeforeTheRuleAgent_ReadsBackWholeAndIsJudgedAgainstItsOwnAgent()
    {
        await using var store = await MigratedFromAsync(RuleAgentVersion);
        var old = await OldApprovalAsync(store);

        Assert.Null(old.RuleAgent);
        Assert.Equal("spiffe://acme.example/agents/support", old.AskedBy);
    }

    [Fact]
    public async Task MigrateAsync_ApprovalFromBeforeTheRateIncrements_ReadsBackWithoutIncrementsAndIsStillConsumed()
    {
        await using var store = await MigratedFromAsync(RateIncrementsVersion);
        var old = await OldApprovalAsync(store);

        Assert.Null(old.RateIncrements);
        Assert.Empty(ApprovalRateIncrements.ForCollection(old, old.CreatedAt));
        var approve = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = old.CreatedAt, Approver = "admin:carol" };
        Assert.True(await store.TryTransitionApprovalAsync(approve, [], Cancellation));
        var consume = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = old.CreatedAt, Jti = "jti-1" };
        Assert.True(await store.TryTransitionApprovalAsync(consume, [], Cancellation));
        Assert.Equal(ApprovalStatus.Consumed, (await store.GetApprovalAsync("areq-old", Cancellation))!.Status);
    }

    /// <summary>A store at the schema just before <paramref name="version"/>, holding one pending approval, then migrated.</summary>
    private async Task<SqliteMandateStore> MigratedFromAsync(int version)
    {
        var path = NewDatabasePath();
        await CreateAtVersionAsync(path, version - 1);
        await ExecuteRawAsync(path, """
            INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message,
                rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, sender_binding, user_issuer)
            VALUES ('areq-old', 'pending', 'spiffe://acme.example/agents/support', 'run-1', 'refunds', 'acme', 'alice', 'refunds:write', '[]',
                'hash-1', 'refund 250 EUR', 'big-refunds', 'pol-1', 'dec-1', 300, '2030-01-02T03:04:05.0000000Z', '2030-01-02T03:14:05.0000000Z',
                'mtls', 'https://idp.acme.example');
            """);
        return await OpenMigratedStoreAsync(path);
    }

    /// <summary>The old approval, read back whole, by id and by its binding.</summary>
    private async Task<Approval> OldApprovalAsync(SqliteMandateStore store)
    {
        var old = (await store.GetApprovalAsync("areq-old", Cancellation))!;
        Assert.Equal((ApprovalStatus.Pending, "big-refunds", "mtls", "https://idp.acme.example"), (old.Status, old.Rule, old.SenderBinding, old.UserIssuer));
        Assert.Equal(old, await store.FindApprovalByBindingAsync("hash-1", Cancellation));
        return old;
    }
}
