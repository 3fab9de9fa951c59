namespace Mandate.Core.Audit.Checkpoints;

/// <summary>A checkpoint line read and verified, or why it was refused (one line, for the operator).</summary>
public sealed record AuditCheckpointReading(AuditCheckpoint? Checkpoint, string? Refusal)
{
    public static AuditCheckpointReading Verified(AuditCheckpoint checkpoint) => new(checkpoint, null);

    public static AuditCheckpointReading Refused(string reason) => new(null, reason);
}
