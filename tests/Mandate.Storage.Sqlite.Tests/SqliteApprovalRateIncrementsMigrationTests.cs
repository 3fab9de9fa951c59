using Mandate.Core.Approvals;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// Migration 0017 records the rate counters an approved credential counts against; an approval written before it keeps
/// every field, reads back without increments, and is still collected, counting nothing (as before).
/// </summary>
public sealed class SqliteApprovalRateIncrementsMigrationTests : SqliteTestBase
{
    private const int RateIncrementsVersion = 17;

    [Fact]
    public async Task MigrateAsync_ApprovalFromBeforeTheRateIncrements_ReadsBackWithoutIncrementsAndIsStillConsumed()
    {
        var path = NewDatabasePath();
        await CreateAtVersionAsync(path, RateIncrementsVersion - 1);
        await ExecuteRawAsync(path, """
            INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message,
                rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, sender_binding, user_issuer)
            VALUES ('areq-old', 'pending', 'spiffe://acme.example/agents/support', 'run-1', 'refunds', 'acme', 'alice', 'refunds:write', '[]',
                'hash-1', 'refund 250 EUR', 'big-refunds', 'pol-1', 'dec-1', 300, '2030-01-02T03:04:05.0000000Z', '2030-01-02T03:14:05.0000000Z',
                'mtls', 'https://idp.acme.example');
            """);

        await using var store = await OpenMigratedStoreAsync(path);
        var old = (await store.GetApprovalAsync("areq-old", Cancellation))!;

        Assert.Equal((ApprovalStatus.Pending, "big-refunds", "mtls", "https://idp.acme.example"), (old.Status, old.Rule, old.SenderBinding, old.UserIssuer));
        Assert.Null(old.RateIncrements);
        Assert.Empty(ApprovalRateIncrements.ForCollection(old, old.CreatedAt));
        Assert.Equal(old, await store.FindApprovalByBindingAsync("hash-1", Cancellation));
        var approve = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = old.CreatedAt, Approver = "admin:carol" };
        Assert.True(await store.TryTransitionApprovalAsync(approve, [], Cancellation));
        var consume = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = old.CreatedAt, Jti = "jti-1" };
        Assert.True(await store.TryTransitionApprovalAsync(consume, [], Cancellation));
        Assert.Equal(ApprovalStatus.Consumed, (await store.GetApprovalAsync("areq-old", Cancellation))!.Status);
    }
}
