using Mandate.Core.Audit;
using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>Someone with the database file edits the audit table behind the store; the verifier must say where.</summary>
public sealed class SqliteAuditTamperTests : SqliteAuditTamperTest
{
    private const string DeleteShapeOf3 = "PRAGMA foreign_keys = OFF;" + DropGuards + $"DELETE FROM audit_shapes WHERE id = {ShapeOf3};";

    [Fact]
    public async Task VerifyAsync_SharedPartEdited_ReportsHashMismatchAtThatRecord()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit_shapes SET body = replace(body, '\"deny\"', '\"allow\"') WHERE id = {ShapeOf3};");

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
        Assert.Equal(2, result.RecordCount);
    }

    [Theory]
    [InlineData("time = time + 1")]
    [InlineData("\"user\" = 'someone-else'")]
    [InlineData("run = NULL")]
    [InlineData("decision_id = 'dec-forged'")]
    [InlineData("trace_id = '0af7651916cd43dd8448eb211c80319c'")]
    [InlineData("evidence = '[\"forged\"]'")]
    [InlineData("shape = (SELECT shape FROM audit WHERE seq = 2)")]
    public async Task VerifyAsync_OwnFieldEdited_ReportsHashMismatchAtThatRecord(string edit)
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit SET {edit} WHERE seq = 3;");

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_ShapeOwnKeysEdited_ReportsHashMismatchAtThatRecord()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit_shapes SET own_keys = '[\"exp\"]' WHERE id = {ShapeOf3};");

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_ShapeDeleted_ReportsMissingShapeAtThatRecord()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DeleteShapeOf3);

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.MissingShape, result.Problem);
        Assert.Equal(3, result.Sequence);
        Assert.Contains("shape", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAuditAsync_ShapeDeleted_StillReturnsTheRecordAsMissingItsShape()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DeleteShapeOf3);

        await using var store = OpenStore(path);
        var all = await ReadAllAsync(store);
        var byUser = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(new AuditQuery { User = "https://login.acme.example|user-3" }, Cancellation))
        {
            byUser.Add(record);
        }

        Assert.Equal([1L, 2, 3, 4, 5], all.Select(r => r.Sequence));
        Assert.True(all[2].MissingShape);
        Assert.Null(all[2].TryReadEvent());
        Assert.Equal(3, Assert.Single(byUser).Sequence);
    }

    [Fact]
    public async Task VerifyAsync_MiddleRecordDeleted_ReportsGapWithMissingSequence()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + "DELETE FROM audit WHERE seq = 3;");

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.SequenceGap, result.Problem);
        Assert.Equal(3, result.Sequence);
        Assert.Equal((3L, 3L), result.Missing);
        Assert.Contains("Record 3 is missing", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_TwoRecordsSwapped_ReportsFirstSwappedPosition()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + """
            UPDATE audit SET seq = -2 WHERE seq = 2;
            UPDATE audit SET seq = 2 WHERE seq = 4;
            UPDATE audit SET seq = 4 WHERE seq = -2;
            """);

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(2, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_IndexColumnEdited_ReportsColumnMismatchNamingIt()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit_shapes SET agent = 'spiffe://acme.example/agents/innocent' WHERE id = {ShapeOf3};");

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.ColumnMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
        Assert.Contains("agent", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_RecordRelinkedWithSelfConsistentHash_ReportsBrokenLink()
    {
        var (path, records) = await CreateLogAsync();
        var forgedPrevious = new string('f', 64);
        var forgedHash = AuditChain.ComputeHash(3, forgedPrevious, records[2].Payload);

        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit SET prev_hash = X'{forgedPrevious}', hash = X'{forgedHash}' WHERE seq = 3;");

        var result = await VerifyAsync(path);
        Assert.Equal(AuditProblemKind.BrokenLink, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_TailTruncated_OnlyACheckpointCatchesIt()
    {
        var (path, records) = await CreateLogAsync();
        var checkpoint = new AuditTail(5, records[4].Hash);

        await ExecuteRawAsync(path, DropGuards + "DELETE FROM audit WHERE seq = 5;");

        var withoutCheckpoint = await VerifyAsync(path);
        var withCheckpoint = await VerifyAsync(path, checkpoint);
        Assert.True(withoutCheckpoint.IsValid, withoutCheckpoint.Message);
        Assert.Equal(4, withoutCheckpoint.RecordCount);
        Assert.Equal(AuditProblemKind.Truncated, withCheckpoint.Problem);
        Assert.Equal(5, withCheckpoint.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_ChainRecomputedAfterEdit_OnlyACheckpointCatchesIt()
    {
        var (path, records) = await CreateLogAsync();
        var checkpoint = new AuditTail(5, records[4].Hash);
        var previous = records[0].Hash;
        var rewrite = DropGuards;
        for (var i = 1; i < records.Count; i++)
        {
            var payload = i == 1 ? records[i].Payload.Replace("dec-2", "dec-forged", StringComparison.Ordinal) : records[i].Payload;
            var hash = AuditChain.ComputeHash(records[i].Sequence, previous, payload);
            var decision = i == 1 ? ", decision_id = 'dec-forged'" : "";
            rewrite += $"UPDATE audit SET prev_hash = X'{previous}', hash = X'{hash}'{decision} WHERE seq = {records[i].Sequence};";
            previous = hash;
        }

        await ExecuteRawAsync(path, rewrite);

        var withoutCheckpoint = await VerifyAsync(path);
        var withCheckpoint = await VerifyAsync(path, checkpoint);
        Assert.True(withoutCheckpoint.IsValid, withoutCheckpoint.Message);
        Assert.Equal(AuditProblemKind.CheckpointMismatch, withCheckpoint.Problem);
        Assert.Equal(5, withCheckpoint.Sequence);
    }
}
