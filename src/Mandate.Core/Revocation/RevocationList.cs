using System.Collections.Concurrent;

namespace Mandate.Core.Revocation;

/// <summary>
/// The in-memory view of every live revocation, consulted on each introspection. Loaded from the
/// store at start and updated as revocations commit, so a revocation bites on the next request.
/// </summary>
public sealed class RevocationList
{
    private readonly ConcurrentDictionary<(RevocationTarget, string), Revocation> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Raised after a revocation was added, so what holds live credentials (e.g. database logins) can act at once.</summary>
    public event EventHandler<Revocation>? Added;

    public void Add(Revocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        _entries.AddOrUpdate((revocation.Target, revocation.Value), revocation,
            (_, existing) => existing.RevokedAt > revocation.RevokedAt ? existing : revocation);
        Added?.Invoke(this, revocation);
    }

    /// <summary>The revocation of run <paramref name="run"/>, if any.</summary>
    public Revocation? ForRun(string run) => _entries.GetValueOrDefault((RevocationTarget.Run, run));

    /// <summary>Forgets revocations that can no longer cover a live credential (their KeepUntil has passed).</summary>
    public int Purge(DateTimeOffset now)
    {
        var purged = 0;
        foreach (var (key, revocation) in _entries)
        {
            if (revocation.KeepUntil <= now && _entries.TryRemove(new KeyValuePair<(RevocationTarget, string), Revocation>(key, revocation)))
            {
                purged++;
            }
        }

        return purged;
    }

    /// <summary>The agent revocation that disables <paramref name="agent"/> (kill switch), unless it was lifted.</summary>
    public Revocation? DisabledBy(string agent) =>
        _entries.TryGetValue((RevocationTarget.Agent, agent), out var r) && r.LiftedAt is null ? r : null;

    /// <summary>The revocation that covers a credential with these facts, if any.</summary>
    public Revocation? Find(CredentialFacts c)
    {
        if (_entries.TryGetValue((RevocationTarget.Token, c.Jti), out var byToken))
        {
            return byToken;
        }

        return Covers(RevocationTarget.Run, c.Run, c.IssuedAt)
            ?? Covers(RevocationTarget.Agent, c.Agent, c.IssuedAt)
            ?? Covers(RevocationTarget.Tenant, c.Tenant, c.IssuedAt)
            ?? (c.User is null ? null : Covers(RevocationTarget.User, c.User, c.IssuedAt));
    }

    private Revocation? Covers(RevocationTarget target, string value, DateTimeOffset issuedAt) =>
        _entries.TryGetValue((target, value), out var r) && issuedAt <= r.RevokedAt ? r : null;
}
