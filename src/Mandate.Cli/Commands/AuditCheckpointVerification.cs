using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate audit verify --checkpoint FILE</c>: every line of the checkpoint file must carry a valid signature of a
/// published checkpoint key, for this broker's issuer, and the store's chain must verify and hold exactly each
/// checkpoint's hash at its sequence.
/// On a pruned store the chain starts at the prune anchor, which must be one of the signed checkpoints; checkpoints
/// before it vouch for archived records (<c>verify --archive</c> checks those).
/// </summary>
internal static class AuditCheckpointVerification
{
    public static async Task<int> RunAsync(IMandateStore store, string checkpointPath, string? jwksPath, string issuer, CancellationToken ct)
    {
        var keys = await CheckpointKeys.LoadAsync(store, jwksPath, ct);
        if (keys is null)
        {
            return ExitCodes.Usage;
        }

        var file = await AuditCheckpointFile.ReadAsync(checkpointPath, keys, issuer, ct);
        if (file.Refusal is { } refusal)
        {
            Output.Error(refusal);
            return ExitCodes.Failed;
        }

        var anchor = await store.ReadPruneAnchorAsync(ct);
        if (anchor is not null && !file.Checkpoints.Any(c => c.Head == anchor.Tail))
        {
            Output.Error($"the store's prune anchor (record {anchor.Sequence}, {anchor.Hash}) is not one of the signed checkpoints in {checkpointPath}: "
                + "the anchor was altered, or the records before it were not archived from this chain");
            return ExitCodes.Failed;
        }

        var exit = await CheckStoreAsync(store, file.Checkpoints, anchor?.Sequence ?? 0, ct);
        if (exit == ExitCodes.Ok && jwksPath is null)
        {
            Output.Line(CheckpointKeys.FromStoreNote);
        }

        return exit;
    }

    private static async Task<int> CheckStoreAsync(IMandateStore store, IReadOnlyList<AuditCheckpoint> checkpoints, long archivedThrough, CancellationToken ct)
    {
        // One walk of the chain up to the latest checkpoint catches edits, deletions, truncation and a rewrite up to it.
        var latest = checkpoints.MaxBy(c => c.Sequence)!;
        var result = await AuditVerifier.VerifyAsync(store, latest.Sequence > archivedThrough ? latest.Head : null, ct);
        if (!result.IsValid)
        {
            Output.Error($"audit chain does not match checkpoint #{latest.Sequence}: {result.Message}");
            return ExitCodes.Failed;
        }

        foreach (var checkpoint in checkpoints.Where(c => c.Sequence > archivedThrough))
        {
            var hash = await HashAtAsync(store, checkpoint.Sequence, ct);
            if (hash != checkpoint.Hash)
            {
                Output.Error($"audit chain does not match checkpoint #{checkpoint.Sequence}: the store has {hash ?? "no record"} there, the checkpoint says {checkpoint.Hash}");
                return ExitCodes.Failed;
            }
        }

        var archived = archivedThrough > 0 ? $"; records up to #{archivedThrough} archived" : "";
        Output.Line($"[green]audit chain matches {checkpoints.Count} signed checkpoints[/]: latest #{latest.Sequence} {Output.Escape(latest.Hash)}, {result.RecordCount} records intact{archived}");
        return ExitCodes.Ok;
    }

    private static async Task<string?> HashAtAsync(IMandateStore store, long sequence, CancellationToken ct)
    {
        await foreach (var record in store.ReadAuditAsync(new AuditQuery { AfterSequence = sequence - 1, Limit = 1 }, ct))
        {
            return record.Sequence == sequence ? record.Hash : null;
        }

        return null;
    }
}
