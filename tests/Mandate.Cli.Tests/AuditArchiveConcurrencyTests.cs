using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Cli.Tests;

/// <summary>
/// <c>audit archive</c> beside a broker that keeps writing: the broker's group-commit writer (its own store
/// connection, as a running broker has) appends throughout, and the chain stays whole across the prune.
/// </summary>
public sealed class AuditArchiveConcurrencyTests
{
    [Fact]
    public async Task Archive_WhileTheGroupCommitWriterAppends_ChainStaysWholeAndNothingLinksToAPrunedRecord()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(200, AuditArchiveFixture.January);
        await using var writer = new AuditWriter(broker.Store);
        using var stop = new CancellationTokenSource();
        var written = 0;
        var appending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var e = new AuditEvent { Kind = AuditKinds.Decision, Time = AuditArchiveFixture.March, Outcome = "allow", User = "during" };
                await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => writer.CommitAsync(new StoreBatch(e), CancellationToken.None)));
                Interlocked.Add(ref written, 8);
            }
        });
        await WaitForAsync(() => Volatile.Read(ref written) >= 40);

        var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-02-01", "--to", Path.Combine(dir.Path, "a.jsonl"));
        var afterPrune = Volatile.Read(ref written);
        await WaitForAsync(() => Volatile.Read(ref written) >= afterPrune + 40);
        await stop.CancelAsync();
        await appending;

        Assert.True(exit == 0, output);
        var result = await AuditVerifier.VerifyAsync(broker.Store, null, CancellationToken.None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(201, result.ArchivedThrough);
        Assert.Equal(written + 1, result.RecordCount);
        var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config);
        Assert.True(verified == 0, verifyOutput);
    }

    /// <summary>Bounded polling: the writer makes progress on its own; the deadline turns a stall into a failure.</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the writer made no progress");
            await Task.Yield();
        }
    }
}
