namespace Mandate.Core.Audit.Checkpoints;

/// <summary><c>audit.checkpoints</c>: where signed checkpoints of the audit chain head are appended, and how often.</summary>
public sealed record AuditCheckpointOptions
{
    /// <summary>The checkpoint file (absolute once loaded); null turns checkpoints off.</summary>
    public string? File { get; init; }

    /// <summary>How often the head is checkpointed (only when it moved).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);
}
