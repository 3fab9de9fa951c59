using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Runs;
using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>
/// Revokes by credential, run, agent, tenant or user: the in-memory list first, so introspection, exchange
/// and the proxy refuse from the next request on, then one durable row plus its audit record (a run's revocation
/// cascades: one row and record per run of its recorded subtree, in the same batch). When the
/// store fails, the revocation stays in force and is written by <see cref="PendingRevocations"/> once the
/// store returns: revoking only removes authority, so an outage must not stop it.
/// </summary>
public sealed class RevocationService
{
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset KeptUntilLifted = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
    private readonly IUnitOfWork _trail;
    private readonly RevocationList _list;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly PendingRevocations? _pending;
    private readonly IRunStore? _runs;
    private readonly PolicyProvider? _policy;

    /// <param name="trail">Where the revocation row and its audit record are written.</param>
    /// <param name="list">The in-memory revocations every request consults.</param>
    /// <param name="options">Node name and retention.</param>
    /// <param name="time">The clock.</param>
    /// <param name="pending">Where revocations wait while the store fails; without one, a failing store fails the revocation.</param>
    /// <param name="runs">Where a revoked run's sub-runs are found; without it a run's revocation covers that run alone.</param>
    /// <param name="policy">The policy, whose longest <c>approval_expires_in</c> a revocation is kept for; without it, runs and lifetimes alone.</param>
    public RevocationService(IUnitOfWork trail, RevocationList list, MandateOptions options, TimeProvider time, PendingRevocations? pending = null, IRunStore? runs = null, PolicyProvider? policy = null)
    {
        _policy = policy;
        _trail = trail;
        _list = list;
        _options = options;
        _time = time;
        _pending = pending;
        _runs = runs;
    }

    /// <summary>
    /// Revokes; <paramref name="tokenExpiresAt"/> bounds how long a single-token revocation is kept. In force
    /// at once; <see cref="RevocationResult.Recorded"/> says whether it is durable yet.
    /// </summary>
    public async Task<RevocationResult> RevokeAsync(RevocationTarget target, string value, string revokedBy, string? reason, DateTimeOffset? tokenExpiresAt, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var root = Build(target, value, null, revokedBy, reason, tokenExpiresAt, now);
        if (_pending is not null)
        {
            _list.Add(root.Revocation);
        }

        // Once in force, the rest must end recorded or queued, never abandoned: not the caller's token from here.
        var token = _pending is null ? cancellationToken : CancellationToken.None;
        var all = new List<(Revocation Revocation, AuditEvent Audit)> { root };
        foreach (var run in await SubRunsAsync(target, value, token))
        {
            var cascaded = Build(target, run, value, revokedBy, reason, tokenExpiresAt, now);
            all.Add(cascaded);
            if (_pending is not null)
            {
                _list.Add(cascaded.Revocation);
            }
        }

        var batch = new StoreBatch([.. all.Select(r => r.Revocation), .. all.Select(r => r.Audit)]);
        if (_pending is null)
        {
            await _trail.CommitAsync(batch, cancellationToken);
            all.ForEach(r => _list.Add(r.Revocation));
            return new RevocationResult(root.Revocation, Recorded: true);
        }

        try
        {
            await _trail.CommitAsync(batch, token);
            return new RevocationResult(root.Revocation, Recorded: true);
        }
        catch (StoreUnavailableException)
        {
            _pending.Add(batch);
            return new RevocationResult(root.Revocation, Recorded: false);
        }
    }

    /// <summary>Re-enables a disabled agent: new requests may succeed again; what it held before stays revoked.</summary>
    public async Task<Revocation?> EnableAgentAsync(string agent, string enabledBy, string? reason, CancellationToken cancellationToken)
    {
        if (_list.DisabledBy(agent) is not { } disabled)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        // Kept while anything granted before the kill switch can still be presented (Retention): a run token lives
        // runs.token_lifetime (which may exceed lifetimes.max) and must not come back to life when the row is purged.
        var lifted = disabled with { LiftedAt = now, KeepUntil = now + Retention() + Slack };
        var audit = new AuditEvent
        {
            Kind = AuditKinds.Revocation,
            Time = now,
            Outcome = "lifted",
            Node = _options.Node,
            Agent = agent,
            Reason = reason,
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["revocation_id"] = disabled.Id, ["lifted_by"] = enabledBy },
        };
        await _trail.CommitAsync(new StoreBatch(lifted, audit), cancellationToken);
        _list.Add(lifted);
        return lifted;
    }

    /// <summary>
    /// The recorded runs below a revoked run: its revocation cascades to sub-agents' runs. When the store cannot list
    /// them (and the revocation is queued) the run alone is revoked; its sub-runs' run tokens are still refused,
    /// because <see cref="PrincipalStanding"/> checks every ancestor of a run.
    /// </summary>
    private async Task<IEnumerable<string>> SubRunsAsync(RevocationTarget target, string run, CancellationToken cancellationToken)
    {
        if (target != RevocationTarget.Run || _runs is null)
        {
            return [];
        }

        try
        {
            var subtree = await _runs.ListRunsAsync(new RunQuery { SubtreeOf = run }, cancellationToken);
            return subtree.Select(r => r.Id).Where(id => !string.Equals(id, run, StringComparison.Ordinal));
        }
        catch (StoreUnavailableException) when (_pending is not null)
        {
            return [];
        }
    }

    private (Revocation Revocation, AuditEvent Audit) Build(
        RevocationTarget target, string value, string? cascadedFrom, string revokedBy, string? reason, DateTimeOffset? tokenExpiresAt, DateTimeOffset now)
    {
        var revocation = new Revocation
        {
            Id = Protocol.Ids.New("rev"),
            Target = target,
            Value = value,
            RevokedAt = now,
            // Once every credential it could cover has expired, the row has nothing left to do (a credential of a plain
            // exchange's run is bounded by lifetimes.max alone, which may exceed runs.max_duration); an agent
            // revocation is also a kill switch, kept until an operator lifts it. A tenant's or user's also takes the
            // identity provider's tokens issued before it, which live as long as the provider says (no bound here),
            // so it is kept for good too: a day-long user token must not come back when the row is purged.
            KeepUntil = target is RevocationTarget.Agent or RevocationTarget.Tenant or RevocationTarget.User
                ? KeptUntilLifted
                : (tokenExpiresAt ?? now + Retention()) + Slack,
            RevokedBy = revokedBy,
            Reason = reason ?? (cascadedFrom is null ? null : $"ancestor run {cascadedFrom} revoked"),
        };
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["revocation_id"] = revocation.Id,
            ["target"] = target.ToString().ToLowerInvariant(),
            ["value"] = value,
            ["revoked_by"] = revokedBy,
        };
        if (cascadedFrom is not null)
        {
            evidence["cascaded_from"] = cascadedFrom;
        }

        var audit = new AuditEvent
        {
            Kind = AuditKinds.Revocation,
            Time = now,
            Outcome = "revoked",
            Node = _options.Node,
            Reason = revocation.Reason,
            Jti = target == RevocationTarget.Token ? value : null,
            Agent = target == RevocationTarget.Agent ? value : null,
            Tenant = target == RevocationTarget.Tenant ? value : null,
            User = target == RevocationTarget.User ? value : null,
            Run = target == RevocationTarget.Run ? value : null,
            Evidence = evidence,
        };
        return (revocation, audit);
    }

    // How long a run's revocation or a lifted kill switch can still cover something granted before it: a run's tokens, a
    // credential (lifetimes.max may exceed runs.max_duration), an approval asked before it, which waits as long as its
    // rule says and must not be approved and collected once the row is gone, and a JWT-SVID the broker issued, which
    // ValidateJWTSVID must keep refusing while it lives (an entry may ask for up to an hour) (invariant 6).
    private TimeSpan Retention()
    {
        var longestWait = _policy?.Current.Rules.Select(r => r.ApprovalExpiresIn).DefaultIfEmpty().Max() ?? TimeSpan.Zero;
        var longestSvid = _options.Spiffe.Enabled ? SpiffeOptions.MaxJwtSvidTtl : TimeSpan.Zero;
        return Longest(Longest(_options.Runs.MaxDuration, _options.Lifetimes.Max), Longest(longestWait, longestSvid));
    }

    private static TimeSpan Longest(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
