using Mandate.Core.Approvals;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// The approval columns added after the first release: an approval written before each keeps every field and behaves as
/// it did. Migration 0010 records the agent whose rule asked (an older approval is judged against its own agent's rules);
/// 0011 the rate counters an approved credential counts against (an older approval reads back without any and is still
/// collected, counting nothing).
/// </summary>
public sealed class PostgresApprovalMigrationTests : IAsyncDisposable
{
    private const int RuleAgentVersion = 10;
    private const int RateIncrementsVersion = 11;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Created = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public async ValueTask DisposeAsync()
    {
        await _nodes.DisposeAsync();
        await _schema.DisposeAsync();
    }

    [PostgresFact]
    public async Task Migrate_ApprovalFromBeforeTheRuleAgent_ReadsBackWholeAndIsJudgedAgainstItsOwnAgent()
    {
        var (_, old) = await MigratedFromAsync(RuleAgentVersion);

        Assert.Null(old.RuleAgent);
        Assert.Equal("spiffe://acme.example/agents/support", old.AskedBy);
    }

    [PostgresFact]
    public async Task Migrate_ApprovalFromBeforeTheRateIncrements_ReadsBackWithoutIncrementsAndIsStillConsumed()
    {
        var (store, old) = await MigratedFromAsync(RateIncrementsVersion);

        Assert.Null(old.RateIncrements);
        Assert.Empty(ApprovalRateIncrements.ForCollection(old, old.CreatedAt));
        var approve = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = old.CreatedAt, Approver = "admin:carol" };
        Assert.True(await store.TryTransitionApprovalAsync(approve, [], None));
        var consume = new ApprovalTransition { Id = "areq-old", From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = old.CreatedAt, Jti = "jti-1" };
        Assert.True(await store.TryTransitionApprovalAsync(consume, [], None));
        Assert.Equal(ApprovalStatus.Consumed, (await store.GetApprovalAsync("areq-old", None))!.Status);
    }

    /// <summary>
    /// A schema just before <paramref name="version"/> holding one pending approval, migrated, and that approval read back
    /// whole, by id and by its binding.
    /// </summary>
    private async Task<(PostgresMandateStore Store, Approval Old)> MigratedFromAsync(int version)
    {
        var sql = _schema.BeforeVersionSql(version);
        sql.Append($"""
            INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message,
                rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, sender_binding, user_issuer)
            VALUES ('areq-old', 'pending', 'spiffe://acme.example/agents/support', 'run-1', 'refunds', 'acme', 'alice', 'refunds:write', '[]',
                'hash-1', 'refund 250 EUR', 'big-refunds', 'pol-1', 'dec-1', 300, {Created.UtcTicks}, {Created.AddMinutes(10).UtcTicks},
                'mtls', 'https://idp.acme.example');
            """);
        await _schema.ExecuteAsync(sql.ToString());

        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        var old = (await store.GetApprovalAsync("areq-old", None))!;
        Assert.Equal((ApprovalStatus.Pending, "big-refunds", "mtls", "https://idp.acme.example", Created), (old.Status, old.Rule, old.SenderBinding, old.UserIssuer, old.CreatedAt));
        Assert.Equal(old, await store.FindApprovalByBindingAsync("hash-1", None));
        return (store, old);
    }
}
