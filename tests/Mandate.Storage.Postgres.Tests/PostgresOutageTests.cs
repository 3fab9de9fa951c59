using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>The database down, unreachable or stuck: every call fails closed with <see cref="StoreUnavailableException"/>.</summary>
public sealed class PostgresOutageTests : IAsyncDisposable
{
    private const string Password = "hunter2-never-in-messages";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [Fact]
    public async Task EveryCall_ServerUnreachable_ThrowsStoreUnavailableNamingTheDatabaseNotThePassword()
    {
        await using var database = new PostgresDatabase(new PostgresStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={LoopbackPort.Refused};Username=mandate;Password={Password};Database=mandate",
            Schema = "mandate",
            Node = "node-a",
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        await using var store = new PostgresMandateStore(database);
        var calls = new Dictionary<string, Func<Task>>
        {
            ["migrate"] = () => store.MigrateAsync(None),
            ["check schema"] = () => store.CheckSchemaAsync(None),
            ["commit"] = () => store.CommitAsync(StoreTestData.Events(1, 1).Append(StoreTestData.Revocation("rev-1")), None),
            ["transition"] = () => store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch }, [StoreTestData.Event(1)], None),
            ["insert approval"] = () => store.TryInsertApprovalAsync(new Approval
            {
                Id = "a", Status = ApprovalStatus.Pending, Agent = "x", Run = "r", Tool = "t", Tenant = "acme", Scope = "s", AuthorizationDetails = "[]",
                BindingHash = "b", BindingMessage = "m", Rule = "r", PolicyVersion = "p", DecisionId = "d", LifetimeSeconds = 60,
                CreatedAt = StoreTestData.Epoch, ExpiresAt = StoreTestData.Epoch.AddMinutes(1),
            }, [StoreTestData.Event(1)], None),
            ["touch"] = () => store.TryTouchApprovalAsync("a", null, StoreTestData.Epoch, None),
            ["raise poll interval"] = () => store.RaisePollIntervalAsync("a", 10, None),
            ["read audit"] = async () => await store.ReadAuditAsync(new AuditQuery(), None).GetAsyncEnumerator(None).MoveNextAsync(),
            ["revocations"] = () => store.ListRevocationsAsync(StoreTestData.Epoch, None),
            ["changes"] = () => store.ReadRevocationChangesAsync(0, 10, None),
            ["keys"] = () => store.ListKeysAsync("token-signing", None),
            ["approvals"] = () => store.ListApprovalsAsync(null, 10, None),
            ["approval by binding"] = () => store.FindApprovalByBindingAsync("b", None),
            ["rate"] = () => store.ReadRateCountsAsync(["k"], None),
            ["secrets"] = () => store.ListSecretsAsync(None),
        };

        foreach (var (name, call) in calls)
        {
            var failure = await Assert.ThrowsAsync<StoreUnavailableException>(call);
            Assert.Contains(database.Description, failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, failure.ToString(), StringComparison.Ordinal);
            Assert.Equal(StoreFailureCause.Unreachable, failure.Cause);
            Assert.True(failure.IsOutage);
            Assert.False(string.IsNullOrWhiteSpace(name));
        }
    }

    [PostgresFact]
    public async Task CommitAsync_AuditLockHeldPastStatementTimeout_FailsClosedAndWritesNothing()
    {
        var schema = TestSchema.Create();
        var database = _nodes.Database(schema, "node-a", o => o with { StatementTimeout = TimeSpan.FromSeconds(1) });
        var health = new StoreHealth(TimeProvider.System);
        var store = new PostgresMandateStore(database, health: health);
        await store.MigrateAsync(None);

        // Another session (a stuck node) holds the cluster's commit lock.
        await using (var holder = await database.DataSource.OpenConnectionAsync())
        {
            await using (var take = PostgresValues.Command(holder, "SELECT pg_advisory_lock($1);", PostgresValues.Bigint(PostgresLockKeys.For(schema.Name, PostgresLockKeys.Audit))))
            {
                await take.ExecuteNonQueryAsync();
            }

            var failure = await Assert.ThrowsAsync<StoreUnavailableException>(
                () => store.CommitAsync(StoreTestData.Events(1, 2).Append(StoreTestData.Revocation("rev-1")), None));
            Assert.Contains("statement timeout", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing of the batch was written", failure.Message, StringComparison.Ordinal);
            Assert.False(health.IsHealthy);
            Assert.Equal(StoreFailureCause.Locked, health.Current.Cause);

            await using var release = PostgresValues.Command(holder, "SELECT pg_advisory_unlock_all();");
            await release.ExecuteNonQueryAsync();
        }

        Assert.Empty(await store.ReadRevocationChangesAsync(0, 10, None));
        await store.CommitAsync(StoreTestData.Events(1, 1), None);
        Assert.True(health.IsHealthy);
        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(1, result.RecordCount);
    }

    [PostgresFact]
    public async Task CommitAsync_ConnectionsKilledByTheServer_FailsClosedThenRecoversByItself()
    {
        var schema = TestSchema.Create();
        var store = new PostgresMandateStore(_nodes.Database(schema, "node-killed"));
        await store.MigrateAsync(None);
        await store.CommitAsync(StoreTestData.Events(1, 1), None);

        // As when the server restarts or fails over: every backend of this node is terminated (57P01).
        await schema.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mandate:node-killed';");

        var committed = 1;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await store.CommitAsync(StoreTestData.Events(2 + attempt, 1), None);
                committed++;
            }
            catch (StoreUnavailableException)
            {
                // The first use of a killed pooled connection may fail; it must fail closed and only this way.
            }
        }

        Assert.True(committed >= 3, $"only {committed} commits succeeded after the connections were killed");
        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(committed, result.RecordCount);
    }

    [PostgresFact]
    public async Task CommitAsync_TextWithNulCharacter_FailsClosedAndWritesNothing()
    {
        // PostgreSQL text cannot hold U+0000; the payload escapes it, but an index column would have to carry it.
        var schema = TestSchema.Create();
        var store = new PostgresMandateStore(_nodes.Database(schema));
        await store.MigrateAsync(None);

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(
            new StoreBatch(StoreTestData.Revocation("rev-1"), StoreTestData.Event(1) with { User = "https://login.acme.example|a\0b" }), None));

        Assert.Contains("Nothing of the batch was written", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ReadRevocationChangesAsync(0, 10, None));
        Assert.Equal(0, (await AuditVerifier.VerifyAsync(store, null, None)).RecordCount);
    }

}
