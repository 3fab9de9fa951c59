using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Core.Keys;

/// <summary>Rotation on an operator's command (<c>mandate keys rotate</c>): early, or after a suspected leak.</summary>
public partial class KeyRing
{
    /// <summary>
    /// Rotates this purpose's key now, as <paramref name="by"/> asked, in one durable batch with its <c>key_rotation</c>
    /// record (carrying <paramref name="reason"/>, <c>compromised</c> and <c>by</c>) before anything is answered.
    /// Routine: the next key is created and published now and signs <see cref="KeyProfile.PublishAhead"/> later, as a
    /// scheduled rotation would; when a next key is published already nothing changes. Compromised: a new key signs at
    /// once and every key of the purpose still published (this node's and, for per-node keys, every node's: which one
    /// leaked cannot be told from here) is retired and leaves the published set now, so nothing this broker verifies
    /// accepts it any more; other nodes create their own new key when they re-read the keys.
    /// </summary>
    public async Task<KeyRotationResult> RotateNowAsync(bool compromised, string by, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        await _lock.WaitAsync(cancellationToken);
        try
        {
            KeyRotationResult result;
            await using (await _locks.AcquireAsync(LockName(Profile.Purpose), cancellationToken))
            {
                var now = _time.GetUtcNow();
                var stored = await _store.ListKeysAsync(Profile.Purpose, cancellationToken);
                var schedule = KeySchedule.Of(Profile, _node, stored, now);
                if (!compromised && schedule.Next is { } waiting)
                {
                    return new KeyRotationResult(Profile.Purpose, KeyRotationResult.AlreadyPublished, waiting.Kid, waiting.CreatedAt + Profile.PublishAhead, []);
                }

                var (changes, next) = compromised ? Distrust(stored, now, by, reason) : Advance(schedule, now, by, reason);
                await _store.CommitAsync(new StoreBatch(changes), cancellationToken);
                result = next;
            }

            // Swapped in before answering: this node publishes, signs and verifies with the new set from now on.
            await LoadAsync(rotateDue: false, cancellationToken);
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The next key, published now, as a scheduled rotation makes it (a profile publishing nothing ahead swaps at once).</summary>
    private (List<IStoreChange> Changes, KeyRotationResult Result) Advance(KeySchedule schedule, DateTimeOffset now, string by, string? reason)
    {
        var next = Create(now, out var evidence);
        var changes = new List<IStoreChange> { next };
        Requested(evidence, compromised: false, by);
        if (schedule.Active is not { } active)
        {
            changes.Add(Record(Profile.RecordsCreation ? "created" : "rotated", now, evidence, reason));
            return (changes, new KeyRotationResult(Profile.Purpose, KeyRotationResult.Rotated, next.Kid, now, []));
        }

        if (Profile.PublishAhead == TimeSpan.Zero)
        {
            changes.Add(Retire(active, now));
            evidence["retired_kid"] = active.Kid;
            changes.Add(Record("rotated", now, evidence, reason));
            return (changes, new KeyRotationResult(Profile.Purpose, KeyRotationResult.Rotated, next.Kid, now, []));
        }

        var signsFrom = now + Profile.PublishAhead;
        evidence["signs_from"] = AuditCanonicalJson.FormatTime(signsFrom);
        changes.Add(Record("published", now, evidence, reason));
        return (changes, new KeyRotationResult(Profile.Purpose, KeyRotationResult.Published, next.Kid, signsFrom, []));
    }

    /// <summary>
    /// A new key that signs now (the only live key of this node), and every key still published retired and unpublished
    /// as of now: <c>publish_until = now</c> takes it out of every key set built from the store, on every node.
    /// </summary>
    private (List<IStoreChange> Changes, KeyRotationResult Result) Distrust(IReadOnlyList<StoredKey> stored, DateTimeOffset now, string by, string? reason)
    {
        var distrusted = stored.Where(k => k.PublishUntil is null || k.PublishUntil > now).ToList();
        var changes = new List<IStoreChange>(distrusted.Select(k => k with { RetiredAt = k.RetiredAt ?? now, PublishUntil = now }));
        var next = Create(now, out var evidence);
        changes.Add(next);
        if (distrusted.Count > 0)
        {
            evidence["retired_kid"] = string.Join(' ', distrusted.Select(k => k.Kid));
        }

        Requested(evidence, compromised: true, by);
        changes.Add(Record("rotated", now, evidence, reason));
        return (changes, new KeyRotationResult(Profile.Purpose, KeyRotationResult.Rotated, next.Kid, now, distrusted.Select(k => k.Kid).ToList()));
    }

    private static void Requested(SortedDictionary<string, string> evidence, bool compromised, string by)
    {
        evidence["compromised"] = compromised ? "true" : "false";
        evidence["by"] = by;
    }

    private AuditEvent Record(string outcome, DateTimeOffset now, SortedDictionary<string, string> evidence, string? reason) =>
        Record(outcome, now, evidence) with { Reason = reason };
}
