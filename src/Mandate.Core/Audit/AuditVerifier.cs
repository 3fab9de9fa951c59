using System.Text.Json;

namespace Mandate.Core.Audit;

/// <summary>
/// Walks an audit log in sequence order and reports the first problem precisely: deleted records
/// (a sequence gap), an edited record (hash mismatch), a reordered or spliced record (broken link),
/// or an edited index column (disagrees with the payload).
/// </summary>
/// <remarks>
/// A hash chain cannot show that records were cut off the end: a log truncated after record N is a
/// valid log of N records. Pass a checkpoint (a sequence and hash recorded elsewhere, e.g. a signed
/// checkpoint or the head reported by an earlier run) to detect truncation and rewriting up to it.
/// </remarks>
public static class AuditVerifier
{
    /// <summary>
    /// Verifies every record in <paramref name="store"/>: from its first record, or, once records were archived and
    /// pruned, from the store's prune anchor (the first remaining record must link to the anchor's hash).
    /// </summary>
    public static async Task<AuditVerificationResult> VerifyAsync(
        IAuditLog store, AuditTail? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var anchor = await store.ReadPruneAnchorAsync(cancellationToken);
        return await VerifyAsync(store.ReadAuditAsync(new AuditQuery(), cancellationToken), anchor?.Tail ?? AuditTail.Genesis, checkpoint, cancellationToken);
    }

    /// <summary>Verifies <paramref name="records"/>, which must be the whole log from its first record, in order.</summary>
    public static Task<AuditVerificationResult> VerifyAsync(
        IAsyncEnumerable<AuditRecord> records, AuditTail? checkpoint, CancellationToken cancellationToken) =>
        VerifyAsync(records, AuditTail.Genesis, checkpoint, cancellationToken);

    /// <summary>
    /// Verifies <paramref name="records"/>, which must be the log from the record after <paramref name="start"/> (the
    /// genesis, or a prune anchor or archive's anchor), in order.
    /// </summary>
    public static async Task<AuditVerificationResult> VerifyAsync(
        IAsyncEnumerable<AuditRecord> records, AuditTail start, AuditTail? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return await WalkAsync(records, start, checkpoint, cancellationToken) with { Start = start };
    }

    private static async Task<AuditVerificationResult> WalkAsync(
        IAsyncEnumerable<AuditRecord> records, AuditTail start, AuditTail? checkpoint, CancellationToken cancellationToken)
    {
        var head = start;
        long count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            var problem = Check(record, head, count);
            if (problem is not null)
            {
                return problem;
            }

            if (checkpoint is { } expected && expected.Sequence == record.Sequence
                && !string.Equals(expected.Hash, record.Hash, StringComparison.Ordinal))
            {
                return AuditVerificationResult.Invalid(
                    AuditProblemKind.CheckpointMismatch,
                    record.Sequence,
                    $"Record {record.Sequence} has hash {record.Hash} but the checkpoint says {expected.Hash}: "
                    + "the log was rewritten up to that point.",
                    count,
                    head);
            }

            head = new AuditTail(record.Sequence, record.Hash);
            count++;
        }

        return CheckEnd(checkpoint, head, count);
    }

    private static AuditVerificationResult? Check(AuditRecord record, AuditTail head, long count)
    {
        var expected = head.Sequence + 1;
        if (record.Sequence < expected)
        {
            return AuditVerificationResult.Invalid(
                AuditProblemKind.OutOfOrder,
                record.Sequence,
                $"Record {record.Sequence} comes after record {head.Sequence}: sequence numbers repeat or go backwards.",
                count,
                head);
        }

        if (record.Sequence > expected)
        {
            var last = record.Sequence - 1;
            var what = last == expected ? $"Record {expected} is missing" : $"Records {expected} to {last} are missing";
            return AuditVerificationResult.Invalid(
                AuditProblemKind.SequenceGap,
                expected,
                $"{what}: the next record present is {record.Sequence}, so records were deleted.",
                count,
                head,
                (expected, last));
        }

        if (record.MissingShape)
        {
            return AuditVerificationResult.Invalid(
                AuditProblemKind.MissingShape,
                record.Sequence,
                $"Record {record.Sequence}'s shape (the part it shares with similar records, in audit_shapes) is missing: "
                + "it was deleted, so the record cannot be read; restore the store from a backup.",
                count,
                head);
        }

        // The hash covers the sequence, so a record moved to another position fails here too.
        var computed = AuditChain.ComputeHash(record.Sequence, record.PreviousHash, record.Payload);
        if (!string.Equals(computed, record.Hash, StringComparison.Ordinal))
        {
            return AuditVerificationResult.Invalid(
                AuditProblemKind.HashMismatch,
                record.Sequence,
                $"Record {record.Sequence}'s hash does not match its contents: the record was edited.",
                count,
                head);
        }

        if (!string.Equals(record.PreviousHash, head.Hash, StringComparison.Ordinal))
        {
            return AuditVerificationResult.Invalid(
                AuditProblemKind.BrokenLink,
                record.Sequence,
                $"Record {record.Sequence} does not link to record {head.Sequence}: its previous hash differs, "
                + "so records were reordered, replaced or spliced in.",
                count,
                head);
        }

        return CheckColumns(record, head, count);
    }

    private static AuditVerificationResult? CheckColumns(AuditRecord record, AuditTail head, long count)
    {
        AuditEvent e;
        try
        {
            e = record.Event;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return AuditVerificationResult.Invalid(
                AuditProblemKind.UnreadablePayload,
                record.Sequence,
                $"Record {record.Sequence} hashes correctly but its payload is not an audit event: {ex.Message}",
                count,
                head);
        }

        if (record.Columns is null)
        {
            return null;
        }

        var differences = record.Columns.Differences(AuditIndexColumns.From(e));
        if (differences.Count == 0)
        {
            return null;
        }

        return AuditVerificationResult.Invalid(
            AuditProblemKind.ColumnMismatch,
            record.Sequence,
            $"Record {record.Sequence}'s index column(s) {string.Join(", ", differences)} disagree with its payload: "
            + "the column was edited, so queries filtering on it return wrong results.",
            count,
            head);
    }

    private static AuditVerificationResult CheckEnd(AuditTail? checkpoint, AuditTail head, long count)
    {
        if (checkpoint is not { } expected || expected.Sequence <= head.Sequence)
        {
            return AuditVerificationResult.Valid(count, head);
        }

        var first = head.Sequence + 1;
        return AuditVerificationResult.Invalid(
            AuditProblemKind.Truncated,
            first,
            $"The log ends at record {head.Sequence} but the checkpoint is at record {expected.Sequence}: "
            + $"records {first} to {expected.Sequence} were cut off the end.",
            count,
            head,
            (first, expected.Sequence));
    }
}
