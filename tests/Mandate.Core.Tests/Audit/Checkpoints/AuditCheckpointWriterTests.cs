using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Storage;
using Mandate.Core.Tests.Keys;
using Microsoft.Data.Sqlite;

namespace Mandate.Core.Tests.Audit.Checkpoints;

/// <summary>The checkpoint writer over a real SQLite store and a real file.</summary>
public sealed class AuditCheckpointWriterTests
{
    private const string Issuer = "https://mandate.test";

    [Fact]
    public async Task WriteAsync_AppendsTheHead_AndNothingWhileTheHeadStaysPut()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        using var dir = new TempDirectory();
        var path = dir.File("checkpoints/audit.jsonl");
        var ring = await AuditCheckpointTests.CheckpointRingAsync(env);
        using var writer = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock);

        var first = (await writer.WriteAsync(env.Ct)).Written;
        var again = (await writer.WriteAsync(env.Ct)).Written;
        await AppendRecordAsync(env);
        var second = (await writer.WriteAsync(env.Ct)).Written;

        var head = (await AuditVerifier.VerifyAsync(env.Store, null, env.Ct)).Head;
        Assert.NotNull(first);
        Assert.Null(again);
        Assert.Equal(head, second!.Head);
        Assert.Equal(first.Head.Sequence + 1, second.Head.Sequence);
        var lines = await File.ReadAllLinesAsync(path, env.Ct);
        Assert.Equal([first.ToJsonLine(), second.ToJsonLine()], lines);
        foreach (var line in lines)
        {
            Assert.Null((await AuditCheckpoint.VerifyAsync(line, ring.Current.ByKid, Issuer)).Refusal);
        }
    }

    [Fact]
    public async Task WriteAsync_AfterRestart_ResumesFromTheFileAndDoesNotRepeatTheHead()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        using var dir = new TempDirectory();
        var path = dir.File("audit-checkpoints.jsonl");
        var ring = await AuditCheckpointTests.CheckpointRingAsync(env);
        using (var before = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock))
        {
            Assert.NotNull((await before.WriteAsync(env.Ct)).Written);
        }

        using var after = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock);

        Assert.Same(AuditCheckpointOutcome.Unchanged, await after.WriteAsync(env.Ct));
        Assert.Single(await File.ReadAllLinesAsync(path, env.Ct));
    }

    [Theory]
    [InlineData("UPDATE audit SET \"user\" = 'someone-else' WHERE seq = 3;", AuditProblemKind.HashMismatch)]
    [InlineData("DELETE FROM audit WHERE seq = 3;", AuditProblemKind.SequenceGap)]
    [InlineData("UPDATE audit SET time = time + 1 WHERE seq = 2;", AuditProblemKind.HashMismatch)]
    public async Task WriteAsync_ChainEditedSinceLastCheckpoint_RefusesToSignAndNamesTheRecord(string edit, AuditProblemKind problem)
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        using var dir = new TempDirectory();
        var path = dir.File("audit-checkpoints.jsonl");
        var ring = await AuditCheckpointTests.CheckpointRingAsync(env);
        using var writer = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock);
        await AppendRecordAsync(env);
        var signed = (await writer.WriteAsync(env.Ct)).Written!;
        Assert.Equal(2, signed.Sequence);
        await AppendRecordAsync(env);
        await AppendRecordAsync(env);

        await ExecuteRawAsync(env.StorePath, DropGuards + edit);
        var refused = await writer.WriteAsync(env.Ct);
        var again = await writer.WriteAsync(env.Ct);

        Assert.Null(refused.Written);
        Assert.Equal(problem, refused.Broken!.Problem);
        Assert.Contains(refused.Broken.Sequence == 3 ? "record #3" : "record #2", refused.Refusal!, StringComparison.Ordinal);
        Assert.NotNull(again.Broken);
        Assert.Equal([signed.ToJsonLine()], await File.ReadAllLinesAsync(path, env.Ct));
    }

    [Fact]
    public async Task WriteAsync_CheckpointedRecordGone_RefusesToSignTheShorterChain()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        using var dir = new TempDirectory();
        var path = dir.File("audit-checkpoints.jsonl");
        var ring = await AuditCheckpointTests.CheckpointRingAsync(env);
        await AppendRecordAsync(env);
        using (var before = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock))
        {
            Assert.Equal(2, (await before.WriteAsync(env.Ct)).Written!.Sequence);
        }

        await ExecuteRawAsync(env.StorePath, DropGuards + "DELETE FROM audit WHERE seq = 2;");
        env.Clock.Advance(TimeSpan.FromSeconds(1));
        await AppendRecordAsync(env);
        using var after = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock);
        var refused = await after.WriteAsync(env.Ct);

        Assert.Equal(AuditProblemKind.CheckpointMismatch, refused.Broken!.Problem);
        Assert.Equal(2, refused.Broken.Sequence);
        Assert.Single(await File.ReadAllLinesAsync(path, env.Ct));
    }

    // Whoever tampers with the database file can drop the append-only triggers first.
    private const string DropGuards = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;";

    private static async Task ExecuteRawAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static Task AppendRecordAsync(KeyRingEnvironment env) => env.Store.CommitAsync(
        new StoreBatch([new AuditEvent { Kind = AuditKinds.KeyRotation, Time = env.Clock.GetUtcNow(), Outcome = "rotated" }]), env.Ct);
}
