using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mandate.Core.Telemetry;

/// <summary>
/// The broker's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>Mandate</c>. Without a
/// listener (telemetry off) starting a span returns null and recording a measurement is a flag check.
/// </summary>
public static class MandateTelemetry
{
    public const string Name = "Mandate";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Caller batches per audit group commit (one fsync).</summary>
    public static readonly Histogram<int> AuditBatchSize = Meter.CreateHistogram<int>(
        "mandate.audit.commit.batch_size", "{batch}", "Caller batches made durable by one audit group commit");

    /// <summary>Time from a revocation change on one node to another node applying it (<see cref="Revocation.RevocationFollower"/>).</summary>
    public static readonly Histogram<double> RevocationPropagationDelay = Meter.CreateHistogram<double>(
        "mandate.revocation.propagation_delay", "s", "Time from a revocation (or lift) recorded on one node to this node applying it");

    /// <summary>Time one audit group commit took in the store.</summary>
    public static readonly Histogram<double> AuditCommitDuration = Meter.CreateHistogram<double>(
        "mandate.audit.commit.duration", "s", "Time one audit group commit took in the store");
}
