using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Core.Tests.Audit;

/// <summary>The group commit's wait for exchanges on their way (<see cref="AuditWriter.Expect"/>, commit_delay).</summary>
public sealed partial class AuditWriterTests
{
    // Long enough that only the exchanges themselves can end a wait within a test's bound.
    private static readonly AuditWriterOptions WaitsLong = new() { CommitDelay = TimeSpan.FromMinutes(5), CommitSiblings = 1 };
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CommitAsync_AnotherExchangeOnItsWay_WaitsTheDelayWhenItNeverWrites()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        await using var writer = new AuditWriter(new ScriptedStore(), new AuditWriterOptions { CommitDelay = delay, CommitSiblings = 1 });
        using var mine = writer.Expect();
        using var other = writer.Expect();

        var started = Stopwatch.GetTimestamp();
        await writer.CommitAsync(Batch(0), CancellationToken.None).WaitAsync(Bound);

        Assert.True(Stopwatch.GetElapsedTime(started) >= delay * 0.9, "the commit did not wait for the exchange on its way");
    }

    [Fact]
    public async Task CommitAsync_TheExchangeOnItsWayQueuesItsWrite_BothCommitTogetherWithoutWaitingOutTheDelay()
    {
        var store = new ScriptedStore();
        await using var writer = new AuditWriter(store, WaitsLong);
        using var first = writer.Expect();
        using var second = writer.Expect();

        var a = writer.CommitAsync(Batch(1), CancellationToken.None);
        var b = writer.CommitAsync(Batch(2), CancellationToken.None);
        await Task.WhenAll(a, b).WaitAsync(Bound);

        var committed = Assert.Single(store.Committed);
        Assert.Equal(["run-1", "run-2"], committed.Of<EncodedAuditEvent>().Select(e => e.Event.Run));
    }

    [Fact]
    public async Task CommitAsync_TheExchangeOnItsWayEndsWithoutWriting_TheWaitEnds()
    {
        await using var writer = new AuditWriter(new ScriptedStore(), WaitsLong);
        using var mine = writer.Expect();
        var other = writer.Expect();

        var write = writer.CommitAsync(Batch(3), CancellationToken.None);
        other.Dispose();

        await write.WaitAsync(Bound);
        Assert.Equal(1, writer.CommitCount);
    }

    [Fact]
    public async Task CommitAsync_OneExchangeAlone_NeverWaits()
    {
        await using var writer = new AuditWriter(new ScriptedStore(), WaitsLong);
        using var mine = writer.Expect();

        await writer.CommitAsync(Batch(4), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(1, writer.CommitCount);
    }

    [Fact]
    public async Task CommitAsync_WritesWithoutExpectedExchanges_NeverWait()
    {
        await using var writer = new AuditWriter(new ScriptedStore(), WaitsLong);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None))).WaitAsync(Bound);

        Assert.Equal(20, writer.EventCount);
    }

    [Fact]
    public async Task Expect_EndedExchangesAndCompletedWrites_LeaveNothingOnItsWay()
    {
        await using var writer = new AuditWriter(new ScriptedStore(), WaitsLong);
        for (var n = 0; n < 10; n++)
        {
            using var exchange = writer.Expect();
            await writer.CommitAsync(Batch(n), CancellationToken.None).WaitAsync(Bound);
        }

        // Had a count leaked, this lone exchange's write would wait out the five minutes.
        using var last = writer.Expect();
        await writer.CommitAsync(Batch(10), CancellationToken.None).WaitAsync(Bound);
    }

    [Fact]
    public async Task CommitAsync_AGroupThatFails_FaultsItsWritersAndLeavesNothingOnItsWay()
    {
        var outage = new StoreUnavailableException("disk full");
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? Task.FromException(outage) : Task.CompletedTask };
        await using var writer = new AuditWriter(store, WaitsLong);
        using (var first = writer.Expect())
        using (var second = writer.Expect())
        {
            var a = writer.CommitAsync(Batch(1), CancellationToken.None);
            var b = writer.CommitAsync(Batch(2), CancellationToken.None);

            Assert.Same(outage, await Assert.ThrowsAsync<StoreUnavailableException>(() => a.WaitAsync(Bound)));
            Assert.Same(outage, await Assert.ThrowsAsync<StoreUnavailableException>(() => b.WaitAsync(Bound)));
        }

        // Had the failed writes stayed counted, this lone exchange's write would wait out the five minutes.
        using var last = writer.Expect();
        await writer.CommitAsync(Batch(3), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(1, writer.CommitCount);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(1, 0)]
    public void Constructor_NegativeDelayOrNoSiblings_Throws(int delayMilliseconds, int siblings) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuditWriter(
            new ScriptedStore(), new AuditWriterOptions { CommitDelay = TimeSpan.FromMilliseconds(delayMilliseconds), CommitSiblings = siblings }));
}
