using System.Text.Json;
using Mandate.Core.Audit.Retention;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit archive</c> and <c>audit verify</c> after it, on real SQLite files, real keys and real checkpoint files.</summary>
public sealed class AuditArchiveCommandTests
{
    internal const string DropGuards = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_anchors_no_update;";

    [Fact]
    public async Task Archive_ThenVerify_StoreContinuesFromTheAnchorAndTheArchiveVerifiesOnItsOwn()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        var january = await broker.AppendAsync(3, AuditArchiveFixture.January);
        await broker.AppendAsync(2, AuditArchiveFixture.February);
        var archive = Path.Combine(dir.Path, "2026-01.jsonl");

        var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-02-01", "--to", archive);

        Assert.True(exit == 0, output);
        Assert.Contains($"archived {january.Sequence} records (#1 to #{january.Sequence})", output, StringComparison.Ordinal);
        var remaining = await broker.RecordsAsync();
        Assert.Equal(january.Sequence + 1, remaining[0].Sequence);
        Assert.Equal(RetentionAuditKinds.AuditArchived, remaining[^1].Event.Kind);
        Assert.Equal(archive, remaining[^1].Event.Evidence["archive"]);
        var lines = await File.ReadAllLinesAsync(archive);
        Assert.Equal(["mandate-audit-archive", "checkpoint"], lines.Take(2).Select(TypeOf));
        Assert.Equal(january.Sequence, lines.Count(l => TypeOf(l) == "record"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial"));

        var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config);
        Assert.True(verified == 0, verifyOutput);
        Assert.Contains($"records up to #{january.Sequence} were archived", verifyOutput, StringComparison.Ordinal);

        var (checkpointed, checkpointOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config, "--checkpoint", broker.Checkpoints);
        Assert.True(checkpointed == 0, checkpointOutput);
        Assert.Contains($"records up to #{january.Sequence} archived", checkpointOutput, StringComparison.Ordinal);

        var (archiveOk, archiveOutput) = await CliRunner.RunAsync("audit", "verify", "--archive", archive, "--jwks", broker.WriteJwks());
        Assert.True(archiveOk == 0, archiveOutput);
        Assert.Contains($"holds records #1 to #{january.Sequence}", archiveOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_Queries_KeepWorkingOnThePrunedStore()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(2, AuditArchiveFixture.January);
        await broker.AppendAsync(2, AuditArchiveFixture.February);
        Assert.Equal(0, (await ArchiveAsync(broker, "2026-02-01", "a.jsonl")).Exit);

        var (pruned, prunedOutput) = await CliRunner.RunAsync("audit", "query", "-c", broker.Config, "--user", "user-1", "--json");
        var (kept, keptOutput) = await CliRunner.RunAsync("audit", "query", "-c", broker.Config, "--user", "user-3", "--json");
        var (archived, archivedOutput) = await CliRunner.RunAsync("audit", "query", "-c", broker.Config, "--kind", RetentionAuditKinds.AuditArchived, "--json");

        Assert.Equal((0, ""), (pruned, prunedOutput.Trim()));
        Assert.True(kept == 0, keptOutput);
        Assert.Contains("\"user\":\"user-3\"", keptOutput, StringComparison.Ordinal);
        Assert.True(archived == 0, archivedOutput);
        Assert.Contains("a.jsonl", archivedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_Twice_SecondContinuesFromTheFirstAnchorAndTheSeriesVerifiesInOrderOnly()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await broker.AppendAsync(2, AuditArchiveFixture.February);
        await broker.AppendAsync(1, AuditArchiveFixture.March);
        Assert.Equal(0, (await ArchiveAsync(broker, "2026-02-01", "first.jsonl")).Exit);

        var (exit, output) = await ArchiveAsync(broker, "2026-03-01T00:00:00Z", "second.jsonl");

        Assert.True(exit == 0, output);
        var second = await File.ReadAllLinesAsync(Path.Combine(dir.Path, "second.jsonl"));
        Assert.Equal("anchor", TypeOf(second[1]));
        var jwks = broker.WriteJwks();
        var (inOrder, inOrderOutput) = await CliRunner.RunAsync(
            "audit", "verify", "--archive", Path.Combine(dir.Path, "first.jsonl"), "--archive", Path.Combine(dir.Path, "second.jsonl"), "--jwks", jwks);
        Assert.True(inOrder == 0, inOrderOutput);
        var (reversed, reversedOutput) = await CliRunner.RunAsync(
            "audit", "verify", "--archive", Path.Combine(dir.Path, "second.jsonl"), "--archive", Path.Combine(dir.Path, "first.jsonl"), "--jwks", jwks);
        Assert.Equal(1, reversed);
        Assert.Contains("does not continue the previous archive", reversedOutput, StringComparison.Ordinal);
        var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config, "--checkpoint", broker.Checkpoints);
        Assert.True(verified == 0, verifyOutput);
    }

    [Theory]
    [InlineData("2025-12-31", "no signed checkpoint in")]
    [InlineData("2026-01-10T00:00:00Z", "no signed checkpoint in")]
    public async Task Archive_NoCoveringCheckpoint_RefusesAndChangesNothing(string before, string expected)
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);

        await AssertRefusedAsync(broker, before, expected);
    }

    [Fact]
    public async Task Archive_AlreadyArchivedUpToTheNewestCheckpointBeforeTheDate_Refuses()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await broker.AppendAsync(1, AuditArchiveFixture.March);
        Assert.Equal(0, (await ArchiveAsync(broker, "2026-02-01", "first.jsonl")).Exit);

        await AssertRefusedAsync(broker, "2026-02-01", "are already archived and no newer checkpoint was made before");
    }

    [Fact]
    public async Task Archive_ForgedCheckpointSignature_RefusesAndChangesNothing()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await EditCheckpointFileAsync(broker, line => line.Replace("\"jws\":\"", "\"jws\":\"x", StringComparison.Ordinal));

        await AssertRefusedAsync(broker, "2026-02-01", "line 1: ");
    }

    [Fact]
    public async Task Archive_EditedCheckpointLine_RefusesAndChangesNothing()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await EditCheckpointFileAsync(broker, line => line.Replace("\"sequence\":4", "\"sequence\":2", StringComparison.Ordinal));

        await AssertRefusedAsync(broker, "2026-02-01", "says other than its signature");
    }

    [Fact]
    public async Task Archive_CheckpointKeyNotInTheJwks_Refuses()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        var otherJwks = dir.Write("other.jwks.json", """{"keys":[]}""");

        await AssertRefusedAsync(broker, "2026-02-01", "unknown checkpoint key", "--jwks", otherJwks);
    }

    [Fact]
    public async Task Archive_RecordEditedInsideTheRange_RefusesLeavesNoFileAndPrunesNothing()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await ExecuteRawAsync(broker, DropGuards + "UPDATE audit SET \"user\" = 'mallory' WHERE seq = 2;");

        await AssertRefusedAsync(broker, "2026-02-01", "does not verify: Record 2's hash does not match");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Archive_StoreRewrittenSinceTheCheckpoint_RefusesAsCheckpointMismatch()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await ExecuteRawAsync(broker, DropGuards + "UPDATE audit SET hash = zeroblob(32) WHERE seq = (SELECT max(seq) FROM audit);");

        await AssertRefusedAsync(broker, "2026-02-01", "does not verify");
    }

    [Fact]
    public async Task Archive_ExportCannotBeWritten_PrunesNothing()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);

        // A folder no one can create files in, whatever the user (root included).
        await AssertRefusedAtAsync(broker, "2026-02-01", "cannot write the archive", "/proc/mandate-audit-archive.jsonl");
    }

    [Fact]
    public async Task Archive_PruneFailsAfterTheExport_StoreUnchangedAndTheCompleteArchiveKept()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        var records = await broker.RecordsAsync();
        await ExecuteRawAsync(broker, "CREATE TRIGGER test_prune_fails BEFORE INSERT ON audit_anchors BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;");

        var (exit, output) = await ArchiveAsync(broker, "2026-02-01", "a.jsonl");

        Assert.Equal(1, exit);
        Assert.Contains("is complete, but the store did not prune", output, StringComparison.Ordinal);
        Assert.Equal(records.Select(r => r.Hash), (await broker.RecordsAsync()).Select(r => r.Hash));
        Assert.Null(await broker.Store.ReadPruneAnchorAsync(CancellationToken.None));
        var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "--archive", Path.Combine(dir.Path, "a.jsonl"), "-c", broker.Config);
        Assert.True(verified == 0, verifyOutput);
    }

    [Fact]
    public async Task Archive_NoCheckpointFileConfigured_ExitsTwoNamingTheSetting()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", config, "--before", "2026-02-01", "--to", Path.Combine(dir.Path, "a.jsonl"));

        Assert.Equal(2, exit);
        Assert.Contains("audit.checkpoints.file is not set", output, StringComparison.Ordinal);
    }

    internal static Task<(int Exit, string Output)> ArchiveAsync(AuditArchiveFixture broker, string before, string target, params string[] extra) =>
        CliRunner.RunAsync(["audit", "archive", "-c", broker.Config, "--before", before, "--to", Path.Combine(broker.Dir.Path, target), .. extra]);

    /// <summary>Exit 1 with <paramref name="expected"/>, no archive at the target, and the store exactly as it was.</summary>
    private static async Task AssertRefusedAsync(AuditArchiveFixture broker, string before, string expected, params string[] extra) =>
        await AssertRefusedAtAsync(broker, before, expected, "refused.jsonl", extra);

    private static async Task AssertRefusedAtAsync(AuditArchiveFixture broker, string before, string expected, string target, params string[] extra)
    {
        var records = await broker.RecordsAsync();
        var anchor = await broker.Store.ReadPruneAnchorAsync(CancellationToken.None);
        var existed = File.Exists(Path.Combine(broker.Dir.Path, target));

        var (exit, output) = await ArchiveAsync(broker, before, target, extra);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Equal(records.Select(r => (r.Sequence, r.Hash)), (await broker.RecordsAsync()).Select(r => (r.Sequence, r.Hash)));
        Assert.Equal(anchor, await broker.Store.ReadPruneAnchorAsync(CancellationToken.None));
        Assert.Equal(existed, File.Exists(Path.Combine(broker.Dir.Path, target)));
    }

    private static async Task EditCheckpointFileAsync(AuditArchiveFixture broker, Func<string, string> edit)
    {
        var lines = await File.ReadAllLinesAsync(broker.Checkpoints);
        var edited = edit(lines[0]);
        Assert.NotEqual(lines[0], edited);
        lines[0] = edited;
        await File.WriteAllLinesAsync(broker.Checkpoints, lines);
    }

    internal static async Task ExecuteRawAsync(AuditArchiveFixture broker, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={broker.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string? TypeOf(string line) => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString();
}
