using System.Globalization;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Storage;

namespace Mandate.Core.Audit.Retention;

/// <summary>
/// Retention: exports the audit records up to the newest signed checkpoint before a date to an archive file, verified
/// on the way out, then prunes them from the store in one transaction that records the prune anchor and an
/// <see cref="RetentionAuditKinds.AuditArchived"/> record. Refuses, changing nothing, whenever the range cannot be
/// proved: no covering checkpoint, a checkpoint or anchor that does not verify, a chain that does not, or a target
/// that exists.
/// </summary>
/// <remarks>
/// Safe beside running brokers: the prune is one store commit under the same write lock as every audit append
/// (SQLite's, or PostgreSQL's audit advisory lock across nodes); writers read the chain's tail inside that lock and
/// the tail includes the newest anchor, so nothing ever links to a pruned record, and the store itself refuses to
/// delete any record past the newest anchor.
/// </remarks>
public static class AuditArchiver
{
    public static async Task<AuditArchiveOutcome> ArchiveAsync(
        IMandateStore store, AuditArchiveRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        var target = Path.GetFullPath(request.Target);
        if (File.Exists(target) || Directory.Exists(target))
        {
            return AuditArchiveOutcome.Refused($"{target} already exists; an archive is never overwritten: choose a new file name");
        }

        if (!Directory.Exists(Path.GetDirectoryName(target)))
        {
            return AuditArchiveOutcome.Refused($"the folder of {target} does not exist; create it first");
        }

        var previous = await store.ReadPruneAnchorAsync(cancellationToken);
        if (previous is not null && await previous.CheckAsync(request.Keys) is { } badAnchor)
        {
            return AuditArchiveOutcome.Refused($"{badAnchor}; the store's prune anchor was altered, run 'mandate audit verify' before archiving");
        }

        var file = await AuditCheckpointFile.ReadAsync(request.CheckpointFile, request.Keys, request.Issuer, cancellationToken);
        if (file.Refusal is { } refusal)
        {
            return AuditArchiveOutcome.Refused($"{refusal}; archiving needs the signed checkpoints intact");
        }

        if (Covering(file.Checkpoints, request.Before, previous) is not { } covering)
        {
            return AuditArchiveOutcome.Refused(NoCoveringCheckpoint(file.Checkpoints, request.Before, previous, request.CheckpointFile));
        }

        var now = time.GetUtcNow();
        var problem = await AuditArchiveExport.WriteAsync(store, target, previous, covering, file.Checkpoints, now, cancellationToken);
        if (problem is not null)
        {
            return AuditArchiveOutcome.Refused($"{problem}; nothing was archived or pruned");
        }

        var first = (previous?.Sequence ?? 0) + 1;
        var anchor = new AuditPruneAnchor(covering.Sequence, covering.Hash, covering.ToJsonLine(), target, now);
        try
        {
            await store.CommitAsync(new StoreBatch(anchor, Archived(anchor, first, covering, request.Node)), cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            return AuditArchiveOutcome.Refused(
                $"the archive {target} is complete, but the store did not prune: {e.Message} Run 'mandate audit verify': if records up to "
                + $"{covering.Sequence} are still there, move the archive aside and archive again");
        }

        return new AuditArchiveOutcome(anchor, first, covering.Sequence - first + 1, null);
    }

    /// <summary>The newest checkpoint signed before <paramref name="before"/>, when it is past the previous anchor.</summary>
    private static AuditCheckpoint? Covering(IReadOnlyList<AuditCheckpoint> checkpoints, DateTimeOffset before, AuditPruneAnchor? previous) =>
        checkpoints.Where(c => c.Time < before).MaxBy(c => c.Sequence) is { } newest && newest.Sequence > (previous?.Sequence ?? 0) ? newest : null;

    private static string NoCoveringCheckpoint(IReadOnlyList<AuditCheckpoint> checkpoints, DateTimeOffset before, AuditPruneAnchor? previous, string path)
    {
        var date = AuditCanonicalJson.FormatTime(before);
        if (!checkpoints.Any(c => c.Time < before))
        {
            var earliest = checkpoints.MinBy(c => c.Time)!;
            return $"no signed checkpoint in {path} was made before {date} (the earliest is at record {earliest.Sequence}, "
                + $"{AuditCanonicalJson.FormatTime(earliest.Time)}): nothing before that date can be proved; choose a later date";
        }

        return $"records up to {previous!.Sequence} are already archived and no newer checkpoint was made before {date}; "
            + "choose a later date, or write a checkpoint first ('mandate audit checkpoint') and archive once it is older than the date";
    }

    private static AuditEvent Archived(AuditPruneAnchor anchor, long first, AuditCheckpoint covering, string? node) => new()
    {
        Kind = RetentionAuditKinds.AuditArchived,
        Time = anchor.PrunedAt,
        Outcome = "archived",
        Node = node,
        Reason = $"{AuditArchiveFormat.Describe(first, anchor.Sequence)} archived to {Path.GetFileName(anchor.Archive)} and pruned",
        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["archive"] = anchor.Archive,
            ["first"] = first.ToString(CultureInfo.InvariantCulture),
            ["last"] = anchor.Sequence.ToString(CultureInfo.InvariantCulture),
            ["checkpoint_hash"] = covering.Hash,
            ["checkpoint_time"] = AuditCanonicalJson.FormatTime(covering.Time),
        },
    };
}
