using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// The periodic checkpoint on the broker's clock: each <c>audit.checkpoints.interval</c> it signs the chain head when
/// the head moved, and writes nothing when it did not. The clock moves only when the test advances it.
/// </summary>
public sealed class AuditCheckpointTimerTests
{
    // Short beside the broker's other periodic work (key rotation), which would move the head on its own.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Interval_WritesWhenTheHeadMoved_AndNothingWhenItStayedPut()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: "audit:\n  checkpoints:\n    file: checkpoints/audit.jsonl\n    interval: 30s\n");
        var file = Path.Combine(broker.Directory, "checkpoints", "audit.jsonl");
        Assert.False(File.Exists(file));

        // First tick: start-up wrote records (policy loaded, keys), so the head has moved since no checkpoint at all. The
        // service starts its timer on its own thread, maybe after start-up returned: the clock moves once it exists.
        await broker.Clock.WhenPeriodicTimerArmedAsync(Interval).WaitAsync(TimeSpan.FromSeconds(10));
        broker.Clock.Advance(Interval);
        await TicksAsync(broker, written: 1, unchanged: 0);
        var first = AuditCheckpoint.TryReadHead(Assert.Single(await File.ReadAllLinesAsync(file))) ?? throw new Xunit.Sdk.XunitException("the line is not a checkpoint");
        Assert.Equal(await HeadAsync(broker), first);

        // Second tick, nothing recorded meanwhile: no line.
        broker.Clock.Advance(Interval);
        await TicksAsync(broker, written: 1, unchanged: 1);
        Assert.Single(await File.ReadAllLinesAsync(file));

        // A credential is issued (its records move the head); the third tick checkpoints the new head.
        Expect.Issued(await broker.ExchangeAsync(broker.RefundRequest()));
        var moved = await HeadAsync(broker);
        Assert.True(moved.Sequence > first.Sequence);
        broker.Clock.Advance(Interval);
        await TicksAsync(broker, written: 2, unchanged: 1);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(2, lines.Length);
        Assert.Equal(moved, AuditCheckpoint.TryReadHead(lines[1]));
    }

    private static async Task<AuditTail> HeadAsync(BrokerHarness broker) =>
        (await AuditVerifier.VerifyAsync(broker.Runtime.Store, null, CancellationToken.None)).Head;

    /// <summary>Waits (bounded) until the service has logged exactly this many ticks of each kind.</summary>
    private static async Task TicksAsync(BrokerHarness broker, int written, int unchanged)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = broker.Logs.Lines.ToList();
            var (w, u) = (lines.Count(l => l.Contains("Audit checkpoint written", StringComparison.Ordinal)), lines.Count(l => l.Contains("has not moved", StringComparison.Ordinal)));
            if ((w, u) == (written, unchanged))
            {
                return;
            }

            Assert.True(w <= written && u <= unchanged, $"more checkpoint ticks than expected: {w} written, {u} unchanged");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"checkpoint ticks: {w} written, {u} unchanged; expected {written} and {unchanged}\n{broker.Logs.Text}");
            await Task.Yield();
        }
    }
}
