namespace Mandate.Core.Audit;

/// <summary>
/// What <see cref="AuditVerifier"/> found: either a valid log (count and head), or the first problem with
/// the sequence number where it shows and a message for the operator.
/// </summary>
public sealed record AuditVerificationResult
{
    public required bool IsValid { get; init; }

    /// <summary>Records that verified before the walk ended or stopped at a problem.</summary>
    public required long RecordCount { get; init; }

    /// <summary>The last record that verified (<see cref="Start"/> if none did).</summary>
    public required AuditTail Head { get; init; }

    /// <summary>
    /// Where the walk began: <see cref="AuditTail.Genesis"/>, or the prune anchor after which the records up to it were
    /// archived (see <see cref="Retention.AuditPruneAnchor"/>).
    /// </summary>
    public AuditTail Start { get; init; } = AuditTail.Genesis;

    /// <summary>The last archived record's sequence: 0 when nothing was pruned.</summary>
    public long ArchivedThrough => Start.Sequence;

    public AuditProblemKind Problem { get; init; }

    /// <summary>Where the problem shows: the first missing, edited or unlinked record's sequence number.</summary>
    public long? Sequence { get; init; }

    /// <summary>First and last missing sequence numbers, for <see cref="AuditProblemKind.SequenceGap"/> and
    /// <see cref="AuditProblemKind.Truncated"/>.</summary>
    public (long First, long Last)? Missing { get; init; }

    public required string Message { get; init; }

    internal static AuditVerificationResult Valid(long count, AuditTail head) => new()
    {
        IsValid = true,
        RecordCount = count,
        Head = head,
        Message = count == 0
            ? head.Sequence == 0 ? "The audit log is empty." : $"No records after record {head.Sequence}."
            : $"{count} records verified; head is record {head.Sequence} with hash {head.Hash}.",
    };

    internal static AuditVerificationResult Invalid(
        AuditProblemKind problem, long sequence, string message, long count, AuditTail head, (long, long)? missing = null) => new()
    {
        IsValid = false,
        RecordCount = count,
        Head = head,
        Problem = problem,
        Sequence = sequence,
        Missing = missing,
        Message = message,
    };
}
