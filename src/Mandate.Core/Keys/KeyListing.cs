namespace Mandate.Core.Keys;

/// <summary>
/// One stored key as <c>mandate keys list</c> shows it: where it stands in its node's schedule (<c>next</c>,
/// <c>active</c>, <c>superseded</c> or <c>retired</c>), from the stored rows alone as every node reads them.
/// </summary>
public sealed record KeyListing(
    string Kid, string Purpose, string Algorithm, string? Node, DateTimeOffset CreatedAt, DateTimeOffset SignsFrom,
    DateTimeOffset? RetiredAt, DateTimeOffset? PublishUntil, string State, bool Published)
{
    /// <summary>Every key of <paramref name="profile"/>'s purpose in <paramref name="stored"/> (oldest first, as the store lists them) at <paramref name="now"/>.</summary>
    public static IReadOnlyList<KeyListing> Of(KeyProfile profile, IReadOnlyList<StoredKey> stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(stored);
        var listings = new List<KeyListing>(stored.Count);
        foreach (var node in stored.Select(k => k.Node).Distinct(StringComparer.Ordinal))
        {
            var schedule = KeySchedule.Of(profile, node, stored, now);
            var own = profile.PerNode ? stored.Where(k => k.Node == node).ToList() : [.. stored];
            listings.AddRange(own.Select(k => new KeyListing(
                k.Kid, k.Purpose, k.Algorithm, profile.PerNode ? k.Node : null, k.CreatedAt, SignsFromOf(profile, own, k), k.RetiredAt, k.PublishUntil,
                StateOf(schedule, k), k.PublishUntil is null || k.PublishUntil > now)));
            if (!profile.PerNode)
            {
                break;
            }
        }

        return listings;
    }

    private static string StateOf(KeySchedule schedule, StoredKey key) =>
        key.RetiredAt is not null ? "retired"
        : key.Kid == schedule.Active?.Kid ? "active"
        : key.Kid == schedule.Next?.Kid ? "next"
        : "superseded";

    // A key published beside a live older one signs PublishAhead after its creation; a key that was its node's only live
    // key when made (the first, or one made by a compromised rotation, which retired the others at that instant) at once.
    // Older means listed before it (the store lists oldest first), as KeySchedule reads it: two keys may share an instant.
    private static DateTimeOffset SignsFromOf(KeyProfile profile, IReadOnlyList<StoredKey> own, StoredKey key) =>
        own.TakeWhile(o => o.Kid != key.Kid).Any(o => o.RetiredAt is null || o.RetiredAt > key.CreatedAt)
            ? key.CreatedAt + profile.PublishAhead
            : key.CreatedAt;
}
