using System.Diagnostics.Metrics;
using Mandate.Core.Telemetry;

namespace Mandate.Server.AuditStream;

/// <summary>
/// The audit stream's instruments on the <c>Mandate</c> meter: records delivered, records and checkpoints dropped (by
/// reason), failed delivery attempts, and the lag (age of the oldest record read but not yet delivered).
/// </summary>
internal sealed class AuditStreamMetrics : IDisposable
{
    /// <summary>Records archived (pruned from the store) before the stream delivered them.</summary>
    public const string Pruned = "pruned";

    /// <summary>Checkpoints that did not fit the queue while the destination was down.</summary>
    public const string CheckpointQueueFull = "checkpoint_queue_full";

    private readonly Meter _meter = new(MandateTelemetry.Name);
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _failures;
    private readonly TimeProvider _time;
    private long _deliveredCount;
    private long _droppedCount;
    private long _failureCount;
    private long _oldestPendingTicks;

    public AuditStreamMetrics(TimeProvider time)
    {
        _time = time;
        _delivered = _meter.CreateCounter<long>("mandate.audit.stream.delivered", "{record}", "Audit records delivered to the stream destination");
        _dropped = _meter.CreateCounter<long>("mandate.audit.stream.dropped", "{record}", "Audit records or checkpoints that never reached the stream, by reason");
        _failures = _meter.CreateCounter<long>("mandate.audit.stream.failures", "{attempt}", "Deliveries to the stream destination that failed and will be retried");
        _meter.CreateObservableGauge("mandate.audit.stream.lag", Lag, "s", "Age of the oldest audit record read for the stream but not yet delivered; 0 when caught up");
    }

    public long DeliveredCount => Interlocked.Read(ref _deliveredCount);

    public long DroppedCount => Interlocked.Read(ref _droppedCount);

    public long FailureCount => Interlocked.Read(ref _failureCount);

    public void Delivered(int records)
    {
        Interlocked.Add(ref _deliveredCount, records);
        _delivered.Add(records);
    }

    public void Dropped(long count, string reason)
    {
        Interlocked.Add(ref _droppedCount, count);
        _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }

    public void Failed()
    {
        Interlocked.Increment(ref _failureCount);
        _failures.Add(1);
    }

    /// <summary>Marks when the oldest undelivered record was written; null once everything read is delivered.</summary>
    public void Pending(DateTimeOffset? oldest) => Interlocked.Exchange(ref _oldestPendingTicks, oldest?.UtcTicks ?? 0);

    private double Lag()
    {
        var oldest = Interlocked.Read(ref _oldestPendingTicks);
        return oldest == 0 ? 0 : Math.Max(0, (_time.GetUtcNow().UtcTicks - oldest) / (double)TimeSpan.TicksPerSecond);
    }

    public void Dispose() => _meter.Dispose();
}
