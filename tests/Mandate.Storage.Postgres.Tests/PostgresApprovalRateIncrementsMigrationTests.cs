using Mandate.Core.Approvals;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// Migration 0011 records the rate counters an approved credential counts against; an approval written before it keeps
/// every field, reads back without increments, and is still collected, counting nothing (as before).
/// </summary>
public sealed class PostgresApprovalRateIncrementsMigrationTests : IAsyncDisposable
{
    private const int RateIncrementsVersion = 11;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public async ValueTask DisposeAsync()
    {
        await _nodes.DisposeAsync();
        await _schema.DisposeAsync();
    }

    [PostgresFact]
    public async Task Migrate_ApprovalFromBeforeTheRateIncrements_ReadsBackWithoutIncrementsAndIsStillConsumed()
    {
        var created = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var sql = _schema.BeforeVersionSql(RateIncrementsVersion);

        sql.Append($"""
            INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message,
                rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, sender_binding, user_issuer)
            VALUES ('areq-old', 'pending', 'spiffe://acme.example/agents/support', 'run-1', 'refunds', 'acme', 'alice', 'refunds:write', '[]',
                'hash-1', 'refund 250 EUR', 'big-refunds', 'pol-1', 'dec-1', 300, {created.UtcTicks}, {created.AddMinutes(10).UtcTicks},
                'mtls', 'https://idp.acme.example');
            """);
        await _schema.ExecuteAsync(sql.ToString());

        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        var old = (await store.GetApprovalAsync("areq-old", None))!;

        Assert.Equal((ApprovalStatus.Pending, "big-refunds", "mtls", "https://idp.acme.example", created), (old.Status, old.Rule, old.SenderBinding, old.UserIssuer, old.CreatedAt));
        Assert.Null(old.RateIncrements);
        Assert.Empty(ApprovalRateIncrements.ForCollection(old, old.CreatedAt));
        Assert.Equal(old, await store.FindApprovalByBindingAsync("hash-1", None));
        var approve = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = old.CreatedAt, Approver = "admin:carol" };
        Assert.True(await store.TryTransitionApprovalAsync(approve, [], None));
        var consume = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = old.CreatedAt, Jti = "jti-1" };
        Assert.True(await store.TryTransitionApprovalAsync(consume, [], None));
        Assert.Equal(ApprovalStatus.Consumed, (await store.GetApprovalAsync("areq-old", None))!.Status);
    }
}
