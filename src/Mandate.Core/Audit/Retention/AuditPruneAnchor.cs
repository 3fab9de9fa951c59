using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Audit.Retention;

/// <summary>
/// Where the audit log starts after records were archived and pruned: the last archived record's sequence and hash,
/// the signed checkpoint that vouched for them (its JSON line, <see cref="Checkpoints.AuditCheckpoint.ToJsonLine"/>), the
/// archive file they went to and when. The first record left in the store links to <see cref="Hash"/>.
/// </summary>
/// <remarks>
/// As a <see cref="IStoreChange"/>, committing an anchor prunes: in the same transaction, under the audit write lock,
/// the store refuses it unless it holds a record at <see cref="Sequence"/> with exactly <see cref="Hash"/> and the
/// sequence is past the previous anchor, then deletes every record up to it (and the shapes no record references
/// any more) and records the anchor. The chain's tail never goes below the newest anchor, so a writer links on
/// even when every record was pruned.
/// </remarks>
public sealed record AuditPruneAnchor(long Sequence, string Hash, string Checkpoint, string Archive, DateTimeOffset PrunedAt) : IStoreChange
{
    /// <summary>The chain position the remaining records continue from.</summary>
    public AuditTail Tail => new(Sequence, Hash);

    /// <summary>
    /// Null when <see cref="Checkpoint"/> carries a valid signature of one of <paramref name="keys"/> and says exactly this
    /// anchor's sequence and hash; otherwise why not. An anchor edited in the store fails here.
    /// </summary>
    public async Task<string?> CheckAsync(IReadOnlyDictionary<string, JsonWebKey> keys)
    {
        var reading = await AuditCheckpoint.VerifyAsync(Checkpoint, keys, issuer: null);
        if (reading.Refusal is { } refusal)
        {
            return $"the prune anchor at record {Sequence}: {refusal}";
        }

        return reading.Checkpoint!.Head == Tail
            ? null
            : $"the prune anchor says record {Sequence} has hash {Hash} but its signed checkpoint says record {reading.Checkpoint.Sequence} has {reading.Checkpoint.Hash}";
    }
}
