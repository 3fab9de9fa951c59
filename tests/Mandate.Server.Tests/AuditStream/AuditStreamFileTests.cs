using Mandate.Server.AuditStream;
using Mandate.Server.Tests.Cluster;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.AuditStream;

/// <summary><c>audit.stream.file</c>: a real file, appended after each commit, surviving rotation, restarts and archiving.</summary>
public sealed class AuditStreamFileTests
{
    private const string Configuration = "audit:\n  stream:\n    file: siem/audit.jsonl\n";

    [Fact]
    public async Task Stream_File_EveryCommittedRecordOnceAsALineThatReHashesToTheChain()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);

        await broker.IssueAsync();
        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        await ClusterHarness.EventuallyAsync(
            () => Task.FromResult(File.ReadAllText(path + ".cursor") == FormattableString.Invariant($"{streamed[^1].Sequence} {streamed[^1].Hash}\n")),
            StreamedLines.Timeout,
            "cursor saved");
    }

    [Fact]
    public async Task Stream_FileRenamedAway_LaterRecordsGoToANewFileAtThePath()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        var before = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        File.Move(path, path + ".1");
        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => [.. StreamedLines.ReadFile(path + ".1"), .. StreamedLines.ReadFile(path)]);

        Assert.Equal(before, StreamedLines.Records(StreamedLines.ReadFile(path + ".1")));
        Assert.Equal(before[^1].Sequence + 1, StreamedLines.Records(StreamedLines.ReadFile(path))[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
    }

    [Fact]
    public async Task Stream_FileCopiedAndTruncated_WritingGoesOnAtItsStartWithoutAHole()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        var copy = StreamedLines.ReadFile(path);
        await using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => [.. copy, .. StreamedLines.ReadFile(path)]);

        Assert.DoesNotContain((byte)0, await File.ReadAllBytesAsync(path));
        Assert.Equal(StreamedLines.Records(copy)[^1].Sequence + 1, StreamedLines.Records(StreamedLines.ReadFile(path))[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
    }

    [Fact]
    public async Task Stream_BrokerRestarted_ResumesAfterTheLastDeliveredRecordWithoutGapsOrRepeats()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        await broker.RestartAsync();
        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
    }

    [Fact]
    public async Task Stream_RecordsArchivedBeforeDelivery_CountedAsDroppedThenStreamingGoesOn()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        var delivered = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));
        var pruned = delivered[^1].Sequence - 1;

        // A fresh destination (no cursor) over a store whose first records were archived and pruned meanwhile (the last
        // one stays: the chain goes on from it).
        await broker.RestartAsync(async () =>
        {
            File.Delete(path);
            File.Delete(path + ".cursor");
            await broker.ExecuteSqlAsync($"DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq <= {pruned};");
        });
        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        Assert.Equal(pruned + 1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        Assert.Equal(pruned, broker.App.App.Services.GetRequiredService<AuditStreamMetrics>().DroppedCount);
        Assert.Contains(broker.Logs.Lines, m => m.Contains($"missed {pruned} records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_FileCannotBeWritten_ExchangesGoOnAndDeliveryCatchesUpOnceItCan()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));
        var metrics = broker.App.App.Services.GetRequiredService<AuditStreamMetrics>();

        // A directory where the file was: every open fails until it is gone.
        File.Move(path, path + ".1");
        Directory.CreateDirectory(path);
        for (var i = 0; i < 3; i++)
        {
            await broker.IssueAsync();
        }

        await ClusterHarness.EventuallyAsync(() => Task.FromResult(metrics.FailureCount > 0), StreamedLines.Timeout, "a failed delivery counted");
        Directory.Delete(path);
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => [.. StreamedLines.ReadFile(path + ".1"), .. StreamedLines.ReadFile(path)], advanceClock: true);

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
    }

    [Fact]
    public async Task Stream_CommitFailed_NoLineForItAndLaterRecordsStream()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();

        var refused = await broker.WhileStoreLockedAsync(() => broker.ExchangeAsync(broker.RefundRequest()));
        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        Assert.Equal(503, (int)refused.Status);
        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        Assert.Equal(2, streamed.Count(s => s.Event.Contains("\"kind\":\"issuance\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stream_CursorFileUnreadable_StreamsFromTheFirstRecordAndSaysSo()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        await broker.RestartAsync(async () =>
        {
            File.Delete(path);
            await File.WriteAllTextAsync(path + ".cursor", "not a sequence");
        });
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        Assert.Contains(broker.Logs.Lines, m => m.Contains("cursor", StringComparison.Ordinal) && m.Contains("unreadable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_StoreRolledBackBeforeTheCursor_StreamsAgainFromTheFirstRecordAndSaysSo()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        await broker.IssueAsync();
        var delivered = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));
        var kept = delivered[^1].Sequence - 3;

        // As a store restored from an older backup: its last records are not the ones delivered.
        await broker.RestartAsync(() => broker.ExecuteSqlAsync($"DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > {kept};"));
        await broker.IssueAsync();
        var again = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path).Skip(delivered.Count));

        Assert.Equal(1, again[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, again);
        Assert.Contains(broker.Logs.Lines, m => m.Contains($"ends before record {delivered[^1].Sequence}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_RecordAtTheCursorRewritten_StreamsAgainFromTheFirstRecordAndSaysSo()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Configuration);
        var path = StreamFile(broker);
        await broker.IssueAsync();
        var delivered = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path));

        await broker.RestartAsync(() => broker.ExecuteSqlAsync(
            $"DROP TRIGGER audit_no_update; UPDATE audit SET hash = randomblob(32) WHERE seq = {delivered[^1].Sequence};"));
        var again = await StreamedLines.AwaitAllAsync(broker, () => StreamedLines.ReadFile(path).Skip(delivered.Count));

        Assert.Equal(1, again[0].Sequence);
        Assert.Contains(broker.Logs.Lines, m => m.Contains($"record {delivered[^1].Sequence} in the store is not the one delivered", StringComparison.Ordinal));
    }

    private static string StreamFile(BrokerHarness broker) => Path.Combine(broker.Directory, "siem", "audit.jsonl");
}
