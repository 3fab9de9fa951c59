using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>Migrations: in order, each once, one migrator at a time; read-only stores never migrate and never write.</summary>
public sealed class PostgresMigrationTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] Tables =
        ["audit", "revocations", "keys", "runs", "rate_counters", "approvals", "evidence", "registration_entries", "database_leases", "secrets", "dpop_proofs"];
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresFact]
    public async Task MigrateAsync_ThreeNodesAtOnce_ApplyEachScriptOnce()
    {
        PostgresMandateStore[] stores = [_nodes.NewStore(_schema, "node-a"), _nodes.NewStore(_schema, "node-b"), _nodes.NewStore(_schema, "node-c")];
        using var start = new Barrier(stores.Length);

        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            start.SignalAndWait();
            await store.MigrateAsync(None);
        })));

        Assert.Equal((long)PostgresMigration.LatestVersion, await _schema.ScalarAsync("SELECT count(*) FROM schema_migrations;"));
        Assert.Equal((long)PostgresMigration.LatestVersion, await _schema.ScalarAsync("SELECT count(DISTINCT version) FROM schema_migrations;"));
        Assert.Equal("initial", await _schema.ScalarAsync("SELECT name FROM schema_migrations WHERE version = 1;"));
        foreach (var store in stores)
        {
            await store.CheckSchemaAsync(None);
        }
    }

    [PostgresFact]
    public async Task MigrateAsync_CreatesTheConfiguredSchemaWithEveryTable()
    {
        var store = _nodes.NewStore(_schema);

        await store.MigrateAsync(None);
        await store.MigrateAsync(None);

        Assert.Equal(_schema.Name, await _schema.ScalarAsync($"SELECT nspname::text FROM pg_namespace WHERE nspname = '{_schema.Name}';"));
        foreach (var table in Tables)
        {
            Assert.Equal(true, await _schema.ScalarAsync($"SELECT to_regclass('\"{_schema.Name}\".{table}') IS NOT NULL;"));
        }
    }

    [PostgresFact]
    public async Task MigrateAsync_SchemaFromANewerBuild_ThrowsStoreSchemaException()
    {
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        await _schema.ExecuteAsync($"INSERT INTO schema_migrations (version, name) VALUES ({PostgresMigration.LatestVersion + 1}, 'future');");

        var migrate = await Assert.ThrowsAsync<StoreSchemaException>(() => store.MigrateAsync(None));
        var check = await Assert.ThrowsAsync<StoreSchemaException>(() => store.CheckSchemaAsync(None));

        Assert.Contains("newer", migrate.Message, StringComparison.Ordinal);
        Assert.Contains("newer", check.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task CheckSchemaAsync_SchemaMissing_ThrowsStoreSchemaException()
    {
        var store = _nodes.NewStore(_schema);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.CheckSchemaAsync(None));

        Assert.Contains(store.Description, error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ReadOnlyStore_NeverMigrates()
    {
        var readOnly = _nodes.NewStore(_schema, readOnly: true);

        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.MigrateAsync(None));

        Assert.Null(await _schema.ScalarAsync($"SELECT nspname FROM pg_namespace WHERE nspname = '{_schema.Name}';"));
        await Assert.ThrowsAsync<StoreSchemaException>(() => readOnly.CheckSchemaAsync(None));
    }

    [PostgresFact]
    public async Task ReadOnlyStore_RefusesEveryWrite_AndReads()
    {
        var writer = _nodes.NewStore(_schema, "node-a");
        await writer.MigrateAsync(None);
        await writer.CommitAsync(StoreTestData.Events(1, 2).Append(StoreTestData.Revocation("rev-1"), Approval("a1")), None);
        var readOnly = _nodes.NewStore(_schema, "cli", readOnly: true);
        await readOnly.CheckSchemaAsync(None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.CommitAsync(StoreTestData.Events(3, 1), None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Approved, At = StoreTestData.Epoch, Approver = "x" }, [StoreTestData.Event(3)], None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.TryTouchApprovalAsync("a1", null, StoreTestData.Epoch, None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.RaisePollIntervalAsync("a1", 10, None));

        var result = await AuditVerifier.VerifyAsync(readOnly, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(2, result.RecordCount);
        Assert.Single(await readOnly.ListRevocationsAsync(StoreTestData.Epoch, None));
        Assert.Equal(ApprovalStatus.Pending, (await readOnly.GetApprovalAsync("a1", None))!.Status);
        Assert.Null((await readOnly.GetApprovalAsync("a1", None))!.LastPolledAt);
        Assert.Null((await readOnly.GetApprovalAsync("a1", None))!.PollIntervalSeconds);
    }

    private static Approval Approval(string id) => new()
    {
        Id = id,
        Status = ApprovalStatus.Pending,
        Agent = "spiffe://acme.example/agents/support",
        Run = "run-1",
        Tool = "refunds",
        Tenant = "acme",
        Scope = "refunds:write",
        AuthorizationDetails = "[]",
        BindingHash = "ab12",
        BindingMessage = "refund",
        Rule = "big-refunds",
        PolicyVersion = "sha256:9f2c",
        DecisionId = "dec-1",
        LifetimeSeconds = 300,
        CreatedAt = StoreTestData.Epoch,
        ExpiresAt = StoreTestData.Epoch.AddMinutes(10),
    };
}
