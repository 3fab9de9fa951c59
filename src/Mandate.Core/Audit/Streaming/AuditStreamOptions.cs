namespace Mandate.Core.Audit.Streaming;

/// <summary>
/// <c>audit.stream</c>: every committed audit record (and every signed checkpoint) sent as one JSON line to a file or
/// socket for a SIEM, and optionally as OpenTelemetry log records. Off unless a destination or <see cref="OtlpLogs"/> is set.
/// </summary>
public sealed record AuditStreamOptions
{
    /// <summary>Default <see cref="Buffer"/>: records read from the store and held for one delivery.</summary>
    public const int DefaultBuffer = 1000;

    /// <summary>Where the lines go; null when only <see cref="OtlpLogs"/> is on (or streaming is off).</summary>
    public AuditStreamDestination? Destination { get; init; }

    /// <summary>
    /// Most records read from the store and held in memory for one delivery (default 1000). Records never wait in memory
    /// for a slow destination: they wait in the store, behind the cursor.
    /// </summary>
    public int Buffer { get; init; } = DefaultBuffer;

    /// <summary>
    /// The file holding the sequence of the last record delivered (absolute once loaded): <c>FILE.cursor</c> beside a
    /// file destination, <c>data_dir/audit-stream.cursor</c> otherwise, unless <c>audit.stream.cursor</c> names one.
    /// </summary>
    public string CursorFile { get; init; } = "";

    /// <summary>Also emit each record and checkpoint as an OpenTelemetry log record (needs <c>telemetry.otlp_endpoint</c>).</summary>
    public bool OtlpLogs { get; init; }

    public bool Enabled => Destination is not null || OtlpLogs;
}
