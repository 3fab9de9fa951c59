using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Npgsql;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>One audit chain for the whole cluster: nodes appending at once, and tampering the verifier must catch.</summary>
public sealed class PostgresAuditChainTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresFact]
    public async Task CommitAsync_TwoNodesConcurrently_OneUnbrokenChainTheVerifierAccepts()
    {
        var a = _nodes.NewStore(_schema, "node-a");
        var b = _nodes.NewStore(_schema, "node-b");
        await Task.WhenAll(a.MigrateAsync(None), b.MigrateAsync(None));

        // Two writers per node, 100 batches each: 2 × 200 batches of 2 events, some carrying a revocation.
        async Task Write(PostgresMandateStore store, string node, int writer)
        {
            for (var i = 0; i < 100; i++)
            {
                var n = (writer * 1000) + (i * 2);
                var batch = new StoreBatch(StoreTestData.Event(n) with { Node = node }, StoreTestData.Event(n + 1) with { Node = node });
                await store.CommitAsync(i % 10 == 0 ? batch.Append(StoreTestData.Revocation($"rev-{node}-{writer}-{i}")) : batch, None);
            }
        }

        await Task.WhenAll(Task.Run(() => Write(a, "node-a", 1)), Task.Run(() => Write(a, "node-a", 2)), Task.Run(() => Write(b, "node-b", 3)), Task.Run(() => Write(b, "node-b", 4)));

        var result = await AuditVerifier.VerifyAsync(b, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(800, result.RecordCount);
        var nodes = new HashSet<string?>();
        await foreach (var record in a.ReadAuditAsync(new AuditQuery(), None))
        {
            nodes.Add(record.Event.Node);
        }

        Assert.Equal(["node-a", "node-b"], nodes.Order());
        Assert.Equal(40, (await a.ReadRevocationChangesAsync(0, 1000, None)).Count);
    }

    [PostgresFact]
    public async Task Verify_RecordEditedBySuperuser_ReportsHashMismatch()
    {
        var store = await SeedAsync();

        await TamperAsync("UPDATE audit_shapes SET body = replace(body, '\"allow\"', '\"deny\"') WHERE id = (SELECT shape FROM audit WHERE seq = 2);");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.False(result.IsValid);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(2, result.Sequence);
    }

    [PostgresFact]
    public async Task Verify_IndexColumnEditedBySuperuser_ReportsColumnMismatch()
    {
        var store = await SeedAsync();

        // Record 3 is the only denial, so its shape is its own.
        await TamperAsync("UPDATE audit_shapes SET tenant = 'someone-else' WHERE id = (SELECT shape FROM audit WHERE seq = 3);");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal(AuditProblemKind.ColumnMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [PostgresFact]
    public async Task Verify_OwnFieldEditedBySuperuser_ReportsHashMismatch()
    {
        var store = await SeedAsync();

        await TamperAsync("UPDATE audit SET \"user\" = 'someone-else', time = time + 1 WHERE seq = 4;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(4, result.Sequence);
    }

    [PostgresFact]
    public async Task Verify_ShapeDeletedBySuperuser_ReportsMissingShapeAndReadersKeepTheRecord()
    {
        var store = await SeedAsync();

        // Record 3 is the only denial, so its shape is its own; ALL also switches off the foreign key's check.
        await _schema.ExecuteAsync(
            "ALTER TABLE audit_shapes DISABLE TRIGGER ALL; DELETE FROM audit_shapes WHERE id = (SELECT shape FROM audit WHERE seq = 3); "
            + "ALTER TABLE audit_shapes ENABLE TRIGGER ALL;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        var read = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery { Run = "run-3" }, None))
        {
            read.Add(record);
        }

        Assert.Equal(AuditProblemKind.MissingShape, result.Problem);
        Assert.Equal(3, result.Sequence);
        Assert.True(Assert.Single(read).MissingShape);
    }

    [PostgresFact]
    public async Task Verify_RecordDeletedBySuperuser_ReportsSequenceGap()
    {
        var store = await SeedAsync();

        await TamperAsync("DELETE FROM audit WHERE seq = 3;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal(AuditProblemKind.SequenceGap, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [PostgresFact]
    public async Task Verify_LastRecordsDeleted_DetectedAgainstACheckpoint()
    {
        var store = await SeedAsync();
        var head = (await AuditVerifier.VerifyAsync(store, null, None)).Head;

        await TamperAsync("DELETE FROM audit WHERE seq >= 4;");

        var result = await AuditVerifier.VerifyAsync(store, head, None);
        Assert.Equal(AuditProblemKind.Truncated, result.Problem);
    }

    [PostgresFact]
    public async Task Verify_RecordsReorderedBySuperuser_IsRejected()
    {
        var store = await SeedAsync();

        await TamperAsync("UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -2;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problem, new[] { AuditProblemKind.HashMismatch, AuditProblemKind.BrokenLink });
        Assert.Equal(2, result.Sequence);
    }

    [PostgresFact]
    public async Task AuditTable_UpdateDeleteOrTruncate_IsRefusedByTheTrigger()
    {
        var store = await SeedAsync();

        foreach (var sql in new[] { "UPDATE audit SET run = 'x' WHERE seq = 1;", "DELETE FROM audit WHERE seq = 5;", "TRUNCATE audit;", "UPDATE audit_shapes SET outcome = 'deny';" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => _schema.ExecuteAsync(sql));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(5, result.RecordCount);
    }

    private async Task<PostgresMandateStore> SeedAsync()
    {
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        await store.CommitAsync(StoreTestData.Events(1, 3), None);
        await store.CommitAsync(StoreTestData.Events(4, 2), None);
        return store;
    }

    // A superuser can switch the append-only triggers off; the hash chain is what still catches the change.
    private Task<int> TamperAsync(string sql) =>
        _schema.ExecuteAsync(
            $"ALTER TABLE audit DISABLE TRIGGER USER; ALTER TABLE audit_shapes DISABLE TRIGGER USER; {sql} "
            + "ALTER TABLE audit ENABLE TRIGGER USER; ALTER TABLE audit_shapes ENABLE TRIGGER USER;");
}
