namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit archive --to</c>: where the archive goes, checked before anything is read or pruned.</summary>
public sealed class AuditArchiveTargetTests
{
    [Fact]
    public async Task Archive_TargetFolderMissing_ExitsTwoNamingItAndChangesNothing()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        var records = await broker.RecordsAsync();

        var (exit, output) = await AuditArchiveCommandTests.ArchiveAsync(broker, "2026-02-01", Path.Combine("missing", "a.jsonl"));

        Assert.Equal(2, exit);
        Assert.Contains("its folder does not exist", output, StringComparison.Ordinal);
        Assert.Equal(records.Count, (await broker.RecordsAsync()).Count);
    }

    [Fact]
    public async Task Archive_TargetExists_ExitsTwoNamingItAndLeavesItAndTheStoreUntouched()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        var records = await broker.RecordsAsync();
        var existing = dir.Write("2026-01.jsonl", "an earlier archive\n");

        var (exit, output) = await AuditArchiveCommandTests.ArchiveAsync(broker, "2026-02-01", "2026-01.jsonl");

        Assert.Equal(2, exit);
        Assert.Contains($"--to {existing}: it already exists and an archive never overwrites a file", output, StringComparison.Ordinal);
        Assert.Equal("an earlier archive\n", await File.ReadAllTextAsync(existing));
        Assert.Equal(records.Count, (await broker.RecordsAsync()).Count);
        Assert.Null(await broker.Store.ReadPruneAnchorAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Archive_BareFileName_ArchivesIntoTheCurrentFolder()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(dir.Path);
        try
        {
            var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-02-01", "--to", "a.jsonl");

            Assert.True(exit == 0, output);
            Assert.Equal(Path.Combine(dir.Path, "a.jsonl"), (await broker.Store.ReadPruneAnchorAsync(CancellationToken.None))!.Archive);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }
}
