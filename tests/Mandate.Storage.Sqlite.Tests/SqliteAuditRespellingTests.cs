using Mandate.Core.Audit;
using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// Someone with the database file (triggers dropped) respells, copies or replaces audit rows. The chain hashes the
/// canonical payload rebuilt from the rows, not the stored bytes: a respelling every reader sees as the same event
/// verifies (there is nothing to detect), one that changes what a reader sees breaks the hash at that record, and a
/// copy or a fresh chain is caught as far as the chain and a checkpoint can prove.
/// </summary>
public sealed class SqliteAuditRespellingTests : SqliteAuditTamperTest
{
    [Theory]
    [InlineData("replace(body, ',', ' , ')")]
    [InlineData("replace(body, '\"deny\"', '\"\\u0064eny\"')")]
    [InlineData("'{\"outcome\":\"deny\",' || substr(replace(body, ',\"outcome\":\"deny\"', ''), 2)")]
    [InlineData("'{\"outcome\":\"allow\",' || substr(body, 2)")]
    public async Task Invariant5_Verify_SharedPartRespelledToTheSameEvent_VerifiesAndEveryReaderSeesTheSameBytes(string body)
    {
        var (path, records) = await CreateLogAsync();

        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit_shapes SET body = {body} WHERE id = {ShapeOf3};");

        await using var store = OpenStore(path);
        var result = await AuditVerifier.VerifyAsync(store, new AuditTail(5, records[4].Hash), Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(records.Select(r => r.Payload), (await ReadAllAsync(store)).Select(r => r.Payload));
        Assert.Equal("deny", (await ReadAllAsync(store))[2].Event.Outcome);
    }

    [Fact]
    public async Task Invariant5_Verify_SharedPartWithASecondOutcomeThatWins_ReportsHashMismatchAtThatRecord()
    {
        var (path, _) = await CreateLogAsync();

        // JSON readers take the last of repeated names, so this one changes what every reader sees.
        await ExecuteRawAsync(path, DropGuards + $"UPDATE audit_shapes SET body = substr(body, 1, length(body) - 1) || ',\"outcome\":\"allow\"}}' WHERE id = {ShapeOf3};");

        var result = await VerifyAsync(path);
        Assert.Equal((AuditProblemKind.HashMismatch, 3L), (result.Problem, result.Sequence));
    }

    [Fact]
    public async Task Invariant5_Verify_RecordCopiedToTheEnd_ReportsHashMismatchAtTheCopy()
    {
        var (path, _) = await CreateLogAsync();

        await ExecuteRawAsync(path, """
            INSERT INTO audit (seq, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash)
            SELECT 6, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash FROM audit WHERE seq = 3;
            """);

        var result = await VerifyAsync(path);
        Assert.Equal((AuditProblemKind.HashMismatch, 6L, 5L), (result.Problem, result.Sequence, result.RecordCount));
    }

    [Fact]
    public async Task Invariant5_Verify_RecordCopiedPastTheNewestCheckpointAndRechained_IsBeyondWhatAChainCanProve()
    {
        // The documented bound: records after the newest checkpoint are proven by nothing outside the store.
        var (path, records) = await CreateLogAsync();
        var hash = AuditChain.ComputeHash(6, records[4].Hash, records[2].Payload);

        await ExecuteRawAsync(path, $"""
            INSERT INTO audit (seq, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash)
            SELECT 6, time, shape, "user", run, jti, decision_id, trace_id, evidence, X'{records[4].Hash}', X'{hash}' FROM audit WHERE seq = 3;
            """);

        var result = await VerifyAsync(path, new AuditTail(5, records[4].Hash));
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(6, result.Head.Sequence);
    }

    [Fact]
    public async Task Invariant5_Verify_EveryRecordDeletedAndAFreshChainStarted_OnlyACheckpointCatchesIt()
    {
        var (path, records) = await CreateLogAsync();
        await ExecuteRawAsync(path, DropGuards + "DELETE FROM audit; DELETE FROM audit_shapes;");
        await using (var store = OpenStore(path))
        {
            await store.CommitAsync(StoreTestData.Events(11, 5), Cancellation);
        }

        var alone = await VerifyAsync(path);
        var againstCheckpoint = await VerifyAsync(path, new AuditTail(5, records[4].Hash));
        Assert.True(alone.IsValid, alone.Message);
        Assert.Equal((AuditProblemKind.CheckpointMismatch, 5L), (againstCheckpoint.Problem, againstCheckpoint.Sequence));
    }
}
