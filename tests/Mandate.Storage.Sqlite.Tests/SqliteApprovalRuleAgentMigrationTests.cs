using Mandate.Core.Approvals;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// Migration 0016 records the agent whose rule asked for an approval; an approval written before it keeps every field
/// and is judged against its own agent's rules, as it was.
/// </summary>
public sealed class SqliteApprovalRuleAgentMigrationTests : SqliteTestBase
{
    private const int RuleAgentVersion = 16;

    [Fact]
    public async Task MigrateAsync_ApprovalFromBeforeTheRuleAgent_ReadsBackWholeAndIsJudgedAgainstItsOwnAgent()
    {
        var path = NewDatabasePath();
        await CreateAtVersionAsync(path, RuleAgentVersion - 1);
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
        Assert.Null(old.RuleAgent);
        Assert.Equal("spiffe://acme.example/agents/support", old.AskedBy);
        Assert.Equal(old, await store.FindApprovalByBindingAsync("hash-1", Cancellation));
    }
}
