namespace Mandate.Core.Audit;

/// <summary>The first thing <see cref="AuditVerifier"/> found wrong with an audit log.</summary>
public enum AuditProblemKind
{
    /// <summary>Nothing: the log verified.</summary>
    None,

    /// <summary>Sequence numbers are missing: records were deleted.</summary>
    SequenceGap,

    /// <summary>A sequence number repeats or goes backwards.</summary>
    OutOfOrder,

    /// <summary>A record's hash does not match its sequence, previous hash and payload: it was edited.</summary>
    HashMismatch,

    /// <summary>A record's previous hash is not the hash of the record before it: reordered or spliced.</summary>
    BrokenLink,

    /// <summary>The payload hashes correctly but is not an audit event (written by something else).</summary>
    UnreadablePayload,

    /// <summary>An index column disagrees with the payload: the column was edited.</summary>
    ColumnMismatch,

    /// <summary>The record at the checkpoint's sequence has a different hash: the log was rewritten.</summary>
    CheckpointMismatch,

    /// <summary>The log ends before the checkpoint's sequence: its tail was cut off.</summary>
    Truncated,

    /// <summary>The prune anchor the log starts at has no valid signed checkpoint: its records were deleted, not archived.</summary>
    AnchorNotSigned,

    /// <summary>A record's shape (the part it shares with similar records) is missing from the store: it was deleted.</summary>
    MissingShape,
}
