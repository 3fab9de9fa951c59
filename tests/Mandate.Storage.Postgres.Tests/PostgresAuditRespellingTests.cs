using Mandate.Core.Audit;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// A superuser (append-only triggers switched off) edits each field of a record, respells a shape, copies a record or
/// starts the chain afresh: as on SQLite, the chain hashes the canonical payload rebuilt from the rows, so every edit a
/// reader would see breaks the hash at that record, and what only a checkpoint can prove is caught against one.
/// </summary>
public sealed class PostgresAuditRespellingTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string ShapeOf3 = "(SELECT shape FROM audit WHERE seq = 3)";
    private const string Columns = "seq, time, shape, \"user\", run, jti, decision_id, trace_id, evidence, prev_hash, hash";
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresTheory]
    [InlineData("time = time + 1")]
    [InlineData("\"user\" = 'someone-else'")]
    [InlineData("run = 'run-forged'")]
    [InlineData("jti = NULL")]
    [InlineData("decision_id = 'dec-forged'")]
    [InlineData("trace_id = '0af7651916cd43dd8448eb211c80319c'")]
    [InlineData("evidence = '[\"forged\"]'")]
    [InlineData("shape = (SELECT shape FROM audit WHERE seq = 2)")]
    public async Task Invariant5_Verify_OwnFieldEdited_ReportsHashMismatchAtThatRecord(string edit)
    {
        var (store, _) = await SeedAsync();

        await TamperAsync($"UPDATE audit SET {edit} WHERE seq = 3;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal((AuditProblemKind.HashMismatch, 3L), (result.Problem, result.Sequence));
    }

    [PostgresTheory]
    [InlineData("replace(body, ',', ' , ')")]
    [InlineData("replace(body, '\"deny\"', '\"\\u0064eny\"')")]
    [InlineData("'{\"outcome\":\"allow\",' || substr(body, 2)")]
    public async Task Invariant5_Verify_SharedPartRespelledToTheSameEvent_VerifiesAndEveryReaderSeesTheSameBytes(string body)
    {
        var (store, records) = await SeedAsync();

        await TamperAsync($"UPDATE audit_shapes SET body = {body} WHERE id = {ShapeOf3};");

        var result = await AuditVerifier.VerifyAsync(store, Head(records[^1]), None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(records.Select(r => r.Payload), (await ReadAllAsync(store)).Select(r => r.Payload));
    }

    [PostgresFact]
    public async Task Invariant5_Verify_SharedPartWithASecondOutcomeThatWins_ReportsHashMismatchAtThatRecord()
    {
        var (store, _) = await SeedAsync();

        await TamperAsync($"UPDATE audit_shapes SET body = substr(body, 1, length(body) - 1) || ',\"outcome\":\"allow\"}}' WHERE id = {ShapeOf3};");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal((AuditProblemKind.HashMismatch, 3L), (result.Problem, result.Sequence));
    }

    [PostgresFact]
    public async Task Invariant5_Verify_RecordCopiedToTheEnd_ReportsHashMismatchAtTheCopy()
    {
        var (store, _) = await SeedAsync();

        // Inserting needs no trigger switched off: the table refuses only UPDATE, DELETE and TRUNCATE.
        await _schema.ExecuteAsync($"INSERT INTO audit ({Columns}) SELECT 6, time, shape, \"user\", run, jti, decision_id, trace_id, evidence, prev_hash, hash FROM audit WHERE seq = 3;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal((AuditProblemKind.HashMismatch, 6L, 5L), (result.Problem, result.Sequence, result.RecordCount));
    }

    [PostgresFact]
    public async Task Invariant5_Verify_RecordCopiedPastTheNewestCheckpointAndRechained_IsBeyondWhatAChainCanProve()
    {
        // The documented bound: records after the newest checkpoint are proven by nothing outside the store.
        var (store, records) = await SeedAsync();
        var hash = AuditChain.ComputeHash(6, records[4].Hash, records[2].Payload);

        await _schema.ExecuteAsync($"INSERT INTO audit ({Columns}) SELECT 6, time, shape, \"user\", run, jti, decision_id, trace_id, evidence, '\\x{records[4].Hash}'::bytea, '\\x{hash}'::bytea FROM audit WHERE seq = 3;");

        var result = await AuditVerifier.VerifyAsync(store, Head(records[4]), None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(6, result.Head.Sequence);
    }

    [PostgresFact]
    public async Task Invariant5_Verify_EveryRecordDeletedAndAFreshChainStarted_OnlyACheckpointCatchesIt()
    {
        var (store, records) = await SeedAsync();
        await TamperAsync("DELETE FROM audit; DELETE FROM audit_shapes;");
        await store.CommitAsync(StoreTestData.Events(11, 5), None);

        var alone = await AuditVerifier.VerifyAsync(store, null, None);
        var againstCheckpoint = await AuditVerifier.VerifyAsync(store, Head(records[4]), None);
        Assert.True(alone.IsValid, alone.Message);
        Assert.Equal((AuditProblemKind.CheckpointMismatch, 5L), (againstCheckpoint.Problem, againstCheckpoint.Sequence));
    }

    private async Task<(PostgresMandateStore Store, List<AuditRecord> Records)> SeedAsync()
    {
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        await store.CommitAsync(StoreTestData.Events(1, 5), None);
        return (store, await ReadAllAsync(store));
    }

    private static AuditTail Head(AuditRecord record) => new(record.Sequence, record.Hash);

    private static async Task<List<AuditRecord>> ReadAllAsync(PostgresMandateStore store)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery(), None))
        {
            records.Add(record);
        }

        return records;
    }

    private Task<int> TamperAsync(string sql) =>
        _schema.ExecuteAsync(
            $"ALTER TABLE audit DISABLE TRIGGER ALL; ALTER TABLE audit_shapes DISABLE TRIGGER ALL; {sql} "
            + "ALTER TABLE audit ENABLE TRIGGER ALL; ALTER TABLE audit_shapes ENABLE TRIGGER ALL;");
}
