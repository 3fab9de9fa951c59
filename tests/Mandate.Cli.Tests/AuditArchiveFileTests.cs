using Mandate.Core.Audit;
using Mandate.Core.Audit.Retention;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit verify --archive</c> on archives damaged in the ways a file gets damaged or forged.</summary>
public sealed class AuditArchiveFileTests
{
    [Theory]
    [InlineData("not json at all", "line 1: not a Mandate audit archive")]
    [InlineData("{\"type\":\"mandate-audit-archive\",\"version\":2,\"first\":1,\"last\":4}", "line 1: not a Mandate audit archive")]
    public async Task VerifyArchive_BadHeader_ExitsOne(string header, string expected)
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir);
        var lines = await File.ReadAllLinesAsync(archive);
        lines[0] = header;
        await File.WriteAllLinesAsync(archive, lines);

        await AssertRefusedAsync(archive, config, expected);
    }

    [Theory]
    [InlineData("\"user\\\":\\\"user-2\\\"", "\"user\\\":\\\"mallory\\\"", "hash does not match its contents")]
    [InlineData("\"type\":\"checkpoint\"", "\"type\":\"record\"", "no signed checkpoint covers the last archived record")]
    [InlineData("\"type\":\"record\",\"sequence\":2,", "\"type\":\"recorded\",\"sequence\":2,", "line 4 is not an audit record line")]
    public async Task VerifyArchive_EditedArchive_ExitsOne(string from, string to, string expected)
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir);
        var text = await File.ReadAllTextAsync(archive);
        Assert.Contains(from, text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(archive, text.Replace(from, to, StringComparison.Ordinal));

        await AssertRefusedAsync(archive, config, expected);
    }

    [Fact]
    public async Task VerifyArchive_LastRecordsCutOff_ExitsOne()
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir);
        var lines = await File.ReadAllLinesAsync(archive);
        await File.WriteAllLinesAsync(archive, lines[..^1]);

        await AssertRefusedAsync(archive, config, "cut off the end");
    }

    [Fact]
    public async Task VerifyArchive_LineThatIsNotJson_ExitsOneNamingTheLine()
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir);
        var lines = (await File.ReadAllLinesAsync(archive)).ToList();
        lines.Insert(3, "{\"type\":\"record\",");
        await File.WriteAllLinesAsync(archive, lines);

        await AssertRefusedAsync(archive, config, "line 4 is not JSON");
    }

    [Fact]
    public async Task VerifyArchive_AnchorLineRemovedFromALaterArchive_ExitsOne()
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir, second: true);
        var lines = (await File.ReadAllLinesAsync(archive)).ToList();
        lines.RemoveAt(1);
        await File.WriteAllLinesAsync(archive, lines);

        await AssertRefusedAsync(archive, config, "has no anchor at record");
    }

    [Fact]
    public async Task VerifyArchive_RecordAppendedPastTheCoveringCheckpoint_ExitsOne()
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir);
        var last = AuditArchiveFormat.ParseRecord(System.Text.Json.JsonDocument.Parse((await File.ReadAllLinesAsync(archive))[^1]).RootElement)!;
        var extra = AuditChain.Link(new AuditTail(last.Sequence, last.Hash), [new AuditEvent { Kind = AuditKinds.Decision, Time = DateTimeOffset.UnixEpoch, Outcome = "allow" }]);
        await File.AppendAllTextAsync(archive, AuditArchiveFormat.Record(extra[0]) + "\n");

        await AssertRefusedAsync(archive, config, "records continue past the covering checkpoint");
    }

    [Fact]
    public async Task VerifyArchive_NoSuchFile_IsAUsageErrorNamingIt()
    {
        using var dir = new TempFolder();
        var (archive, config) = await ArchiveAsync(dir);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "--archive", archive, "--archive", archive + ".missing", "-c", config);

        Assert.Equal(2, exit);
        Assert.Contains($"--archive: {archive}.missing does not exist", output, StringComparison.Ordinal);
        Assert.DoesNotContain("archive intact", output, StringComparison.Ordinal);
    }

    /// <summary>An archive of the January records (or, with <paramref name="second"/>, the February ones after them).</summary>
    private static async Task<(string Archive, string Config)> ArchiveAsync(TempFolder dir, bool second = false)
    {
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await broker.AppendAsync(2, AuditArchiveFixture.February);
        Assert.Equal(0, (await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-02-01", "--to", Path.Combine(dir.Path, "a.jsonl"))).ExitCode);
        if (second)
        {
            Assert.Equal(0, (await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-03-01", "--to", Path.Combine(dir.Path, "b.jsonl"))).ExitCode);
        }

        return (Path.Combine(dir.Path, second ? "b.jsonl" : "a.jsonl"), broker.Config);
    }

    private static async Task AssertRefusedAsync(string archive, string config, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "--archive", archive, "-c", config);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
