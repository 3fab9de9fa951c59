namespace Mandate.Core.Keys;

/// <summary>
/// Where a purpose's keys stand at one instant, from the stored rows alone (so every node reads the same): the key that
/// signs, the next key (created <see cref="KeyProfile.PublishAhead"/> before it signs, so that verifiers holding a cached
/// key set already know it), the older keys it superseded and that are still to be retired, and when the ring must act
/// next. The first key of a purpose signs at once: no verifier can hold a key set it is missing from.
/// </summary>
internal sealed record KeySchedule(StoredKey? Active, StoredKey? Next, IReadOnlyList<StoredKey> Superseded, DateTimeOffset NextKeyAt, DateTimeOffset ActAt)
{
    public static KeySchedule Of(KeyProfile profile, string node, IReadOnlyList<StoredKey> stored, DateTimeOffset now)
    {
        // Oldest first, as the store lists them.
        var live = stored.Where(k => k.RetiredAt is null && (!profile.PerNode || k.Node == node)).ToList();
        var active = live.LastOrDefault(k => k.CreatedAt + profile.PublishAhead <= now) ?? live.FirstOrDefault();
        if (active is null)
        {
            return new KeySchedule(null, null, [], now, now);
        }

        var at = live.FindIndex(k => k.Kid == active.Kid);
        var superseded = live.Take(at).ToList();
        var next = live.Skip(at + 1).LastOrDefault();
        var nextKeyAt = NextKeyDue(profile, active);
        var actAt = superseded.Count > 0 ? now : next is not null ? next.CreatedAt + profile.PublishAhead : nextKeyAt;
        return new KeySchedule(active, next, superseded, nextKeyAt, actAt);
    }

    /// <summary>Whether the ring must write now: a first key, the next key, or the retirement of superseded keys.</summary>
    public bool MustWrite(DateTimeOffset now) => Active is null || Superseded.Count > 0 || NextDue(now);

    /// <summary>Whether the next key must be created now.</summary>
    public bool NextDue(DateTimeOffset now) => Active is not null && Next is null && now >= NextKeyAt;

    // A plain key's successor is created when the key is rotate_every old and takes over PublishAhead later, so keys
    // take over every rotate_every; a CA's successor once less than RenewBefore of its certificate remains.
    private static DateTimeOffset NextKeyDue(KeyProfile profile, StoredKey active) => profile.Certificate is { } certificate
        ? StoredKeyCertificate.NotAfter(active) - certificate.RenewBefore + TimeSpan.FromTicks(1)
        : active.CreatedAt + profile.RotateEvery;
}
