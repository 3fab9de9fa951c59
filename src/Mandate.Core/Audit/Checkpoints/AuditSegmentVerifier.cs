namespace Mandate.Core.Audit.Checkpoints;

/// <summary>
/// Verifies the audit chain from the last checkpoint to the head, as <c>mandate audit verify</c> does but over that
/// segment only: the record the last checkpoint signed must still be there with that hash, and every record after it
/// must verify and link on from it.
/// </summary>
internal static class AuditSegmentVerifier
{
    /// <summary>The segment's verification; when valid, its <see cref="AuditVerificationResult.Head"/> is the chain's head.</summary>
    public static async Task<AuditVerificationResult> VerifySinceAsync(IAuditLog log, AuditTail last, CancellationToken cancellationToken)
    {
        var anchor = await log.ReadPruneAnchorAsync(cancellationToken);
        if (last.Sequence == 0 || anchor is { } pruned && pruned.Sequence >= last.Sequence)
        {
            // Nothing signed yet, or the checkpointed record was archived: from the chain's start, as verify does.
            var start = anchor?.Tail ?? AuditTail.Genesis;
            return await AuditVerifier.VerifyAsync(log.ReadAuditAsync(new AuditQuery { AfterSequence = start.Sequence }, cancellationToken), start, null, cancellationToken);
        }

        // The checkpointed record is walked too (it is the segment's first link); it is checked against its own
        // previous hash, and against the checkpoint's hash, which its stored hash must still be.
        var from = new AuditTail(last.Sequence - 1, await PreviousHashOfAsync(log, last.Sequence, cancellationToken));
        var records = log.ReadAuditAsync(new AuditQuery { AfterSequence = from.Sequence }, cancellationToken);
        return await AuditVerifier.VerifyAsync(records, from, last, cancellationToken);
    }

    private static async Task<string> PreviousHashOfAsync(IAuditLog log, long sequence, CancellationToken cancellationToken)
    {
        await foreach (var record in log.ReadAuditAsync(new AuditQuery { AfterSequence = sequence - 1, Limit = 1 }, cancellationToken))
        {
            return record.PreviousHash;
        }

        return "";
    }
}
