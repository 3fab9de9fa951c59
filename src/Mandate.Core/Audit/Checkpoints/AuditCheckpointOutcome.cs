namespace Mandate.Core.Audit.Checkpoints;

/// <summary>
/// What <see cref="AuditCheckpointWriter.WriteAsync"/> did: wrote a checkpoint, found the head where the last one left
/// it, or refused because the chain since the last checkpoint does not verify (signing it would vouch for the tampering).
/// </summary>
public sealed record AuditCheckpointOutcome
{
    /// <summary>The checkpoint appended to the file; null when none was written.</summary>
    public AuditCheckpoint? Written { get; private init; }

    /// <summary>Why no checkpoint was signed: the first problem in the chain since the last checkpoint; null otherwise.</summary>
    public AuditVerificationResult? Broken { get; private init; }

    /// <summary>The head has not moved since the last checkpoint: nothing to sign.</summary>
    public static AuditCheckpointOutcome Unchanged { get; } = new();

    public static AuditCheckpointOutcome Wrote(AuditCheckpoint checkpoint) => new() { Written = checkpoint };

    public static AuditCheckpointOutcome Refused(AuditVerificationResult broken) => new() { Broken = broken };

    /// <summary>The operator's message for a refusal: the first bad record, what is wrong with it and what to do.</summary>
    public string? Refusal => Broken is { } b
        ? $"no checkpoint signed: the audit chain since the last checkpoint is broken at record #{b.Sequence}: {b.Message} "
          + "Find out what changed the store (mandate audit verify names the record) and restore it from a backup; "
          + "checkpoints stay refused until the chain verifies."
        : null;
}
