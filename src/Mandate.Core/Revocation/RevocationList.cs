using System.Collections.Concurrent;
using Mandate.Core.Cluster;
using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>
/// The in-memory view of every live revocation, consulted on each introspection, proxied call and grant. Loaded
/// from the store at start, updated as this node's revocations commit and as the change feed reports other nodes'
/// (<see cref="RevocationFollower"/>). Its reads fail closed while the change feed is not current: a node that
/// cannot vouch it heard every revocation answers nothing rather than trust a credential another node revoked.
/// </summary>
public sealed class RevocationList
{
    /// <summary>Why every read fails while the change feed is not current (client-safe: names no host or cause).</summary>
    public const string NotCurrentMessage =
        "this node cannot confirm it has every revocation (it is not following the store's changes); nothing is accepted or issued until it catches up";

    private readonly ConcurrentDictionary<(RevocationTarget, string), Revocation> _entries = new();
    private readonly IChangeFeed? _feed;
    private int _runs;

    /// <param name="feed">The change feed whose currency the reads depend on; null for a view nothing else writes to (tests, tools).</param>
    public RevocationList(IChangeFeed? feed = null) => _feed = feed;

    public int Count => _entries.Count;

    /// <summary>Raised after a revocation was added, so what holds live credentials (e.g. database logins) can act at once.</summary>
    public event EventHandler<Revocation>? Added;

    /// <summary>
    /// Adds a revocation, or a newer state of one already held: a later revocation of the same target replaces an
    /// earlier one, and a lift (same <see cref="Revocation.RevokedAt"/>, <see cref="Revocation.LiftedAt"/> set) replaces
    /// the unlifted state, never the other way round (a lift is final, so a stale read cannot undo it).
    /// </summary>
    public void Add(Revocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        var key = (revocation.Target, revocation.Value);
        if (_entries.TryAdd(key, revocation))
        {
            CountRun(key, +1);
        }
        else
        {
            _entries.AddOrUpdate(key, revocation, (_, existing) => Newer(existing, revocation));
        }

        Added?.Invoke(this, revocation);
    }

    /// <summary>True when this list already holds <paramref name="revocation"/> in the same state (lifted or not), e.g. because this node made it.</summary>
    public bool Holds(Revocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        return _entries.TryGetValue((revocation.Target, revocation.Value), out var held)
            && held.Id == revocation.Id
            && held.LiftedAt.HasValue == revocation.LiftedAt.HasValue;
    }

    /// <summary>The revocation of run <paramref name="run"/>, if any.</summary>
    public Revocation? ForRun(string run)
    {
        EnsureCurrent();
        return _entries.GetValueOrDefault((RevocationTarget.Run, run));
    }

    /// <summary>Forgets revocations that can no longer cover a live credential (their KeepUntil has passed).</summary>
    public int Purge(DateTimeOffset now)
    {
        var purged = 0;
        foreach (var (key, revocation) in _entries)
        {
            if (revocation.KeepUntil <= now && _entries.TryRemove(new KeyValuePair<(RevocationTarget, string), Revocation>(key, revocation)))
            {
                CountRun(key, -1);
                purged++;
            }
        }

        return purged;
    }

    /// <summary>The agent revocation that disables <paramref name="agent"/> (kill switch), unless it was lifted.</summary>
    public Revocation? DisabledBy(string agent)
    {
        EnsureCurrent();
        return _entries.TryGetValue((RevocationTarget.Agent, agent), out var r) && r.LiftedAt is null ? r : null;
    }

    /// <summary>The revocation that covers a credential with these facts, if any.</summary>
    public Revocation? Find(CredentialFacts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        EnsureCurrent();
        if (_entries.TryGetValue((RevocationTarget.Token, c.Jti), out var byToken))
        {
            return byToken;
        }

        // A revoked run never gets a credential again and a disabled agent gets nothing until it is enabled, so these
        // two cover every credential of theirs, whenever issued: also one a node issued before it heard the revocation,
        // or issued with a clock ahead of the revoking node's, which a bound by RevokedAt would let live.
        return _entries.GetValueOrDefault((RevocationTarget.Run, c.Run))
            ?? (_entries.TryGetValue((RevocationTarget.Agent, c.Agent), out var agent) && (agent.LiftedAt is null || c.IssuedAt <= agent.RevokedAt) ? agent : null)
            ?? Covers(RevocationTarget.Tenant, c.Tenant, c.IssuedAt)
            ?? (c.User is null ? null : Covers(RevocationTarget.User, c.User, c.IssuedAt));
    }

    /// <summary>
    /// Whether a credential's run could matter beyond <see cref="Find"/>: some run is revoked (perhaps an ancestor of
    /// this one), or its tenant or user is (judged from the run's start). When neither holds, reading the run changes
    /// nothing, and the proxy and introspection skip that read.
    /// </summary>
    public bool MayCoverThroughRun(CredentialFacts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        EnsureCurrent();
        return Volatile.Read(ref _runs) > 0
            || _entries.ContainsKey((RevocationTarget.Tenant, c.Tenant))
            || (c.User is not null && _entries.ContainsKey((RevocationTarget.User, c.User)));
    }

    /// <summary>
    /// The tenant or user revocation that covers an identity token naming <paramref name="tenant"/> and
    /// <paramref name="user"/>, issued at <paramref name="issuedAt"/>: one issued up to the revocation, or whose issue time
    /// is unknown (no <c>iat</c>), cannot be told apart from a token taken before it.
    /// </summary>
    public Revocation? CoveringIdentityToken(string tenant, string user, DateTimeOffset? issuedAt)
    {
        EnsureCurrent();
        return IdentityCovers(RevocationTarget.User, user, issuedAt) ?? IdentityCovers(RevocationTarget.Tenant, tenant, issuedAt);
    }

    private Revocation? IdentityCovers(RevocationTarget target, string value, DateTimeOffset? issuedAt) =>
        _entries.TryGetValue((target, value), out var r) && (issuedAt is not { } at || at <= r.RevokedAt) ? r : null;

    private void CountRun((RevocationTarget Target, string Value) key, int change)
    {
        if (key.Target == RevocationTarget.Run)
        {
            Interlocked.Add(ref _runs, change);
        }
    }

    private static Revocation Newer(Revocation existing, Revocation candidate)
    {
        if (existing.RevokedAt != candidate.RevokedAt)
        {
            return existing.RevokedAt > candidate.RevokedAt ? existing : candidate;
        }

        return existing.LiftedAt is not null && candidate.LiftedAt is null ? existing : candidate;
    }

    private void EnsureCurrent()
    {
        if (_feed is { IsCurrent: false })
        {
            throw new StoreUnavailableException(NotCurrentMessage);
        }
    }

    private Revocation? Covers(RevocationTarget target, string value, DateTimeOffset issuedAt) =>
        _entries.TryGetValue((target, value), out var r) && issuedAt <= r.RevokedAt ? r : null;
}
