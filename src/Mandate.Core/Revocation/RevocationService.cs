using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>
/// Revokes by credential, run, agent, tenant or user: the in-memory list first, so introspection, exchange
/// and the proxy refuse from the next request on, then one durable row plus its audit record. When the
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

    /// <param name="trail">Where the revocation row and its audit record are written.</param>
    /// <param name="list">The in-memory revocations every request consults.</param>
    /// <param name="options">Node name and retention.</param>
    /// <param name="time">The clock.</param>
    /// <param name="pending">Where revocations wait while the store fails; without one, a failing store fails the revocation.</param>
    public RevocationService(IUnitOfWork trail, RevocationList list, MandateOptions options, TimeProvider time, PendingRevocations? pending = null)
    {
        _trail = trail;
        _list = list;
        _options = options;
        _time = time;
        _pending = pending;
    }

    /// <summary>
    /// Revokes; <paramref name="tokenExpiresAt"/> bounds how long a single-token revocation is kept. In force
    /// at once; <see cref="RevocationResult.Recorded"/> says whether it is durable yet.
    /// </summary>
    public async Task<RevocationResult> RevokeAsync(RevocationTarget target, string value, string revokedBy, string? reason, DateTimeOffset? tokenExpiresAt, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var revocation = new Revocation
        {
            Id = Protocol.Ids.New("rev"),
            Target = target,
            Value = value,
            RevokedAt = now,
            // Once every credential it could cover has expired, the row has nothing left to do; an agent
            // revocation is also a kill switch, kept until an operator lifts it.
            KeepUntil = target == RevocationTarget.Agent ? KeptUntilLifted : (tokenExpiresAt ?? now + _options.Runs.MaxDuration) + Slack,
            RevokedBy = revokedBy,
            Reason = reason,
        };
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["revocation_id"] = revocation.Id,
            ["target"] = target.ToString().ToLowerInvariant(),
            ["value"] = value,
            ["revoked_by"] = revokedBy,
        };
        var audit = new AuditEvent
        {
            Kind = AuditKinds.Revocation,
            Time = now,
            Outcome = "revoked",
            Node = _options.Node,
            Reason = reason,
            Jti = target == RevocationTarget.Token ? value : null,
            Agent = target == RevocationTarget.Agent ? value : null,
            Tenant = target == RevocationTarget.Tenant ? value : null,
            User = target == RevocationTarget.User ? value : null,
            Run = target == RevocationTarget.Run ? value : null,
            Evidence = evidence,
        };
        var batch = new StoreBatch(revocation, audit);
        if (_pending is null)
        {
            await _trail.CommitAsync(batch, cancellationToken);
            _list.Add(revocation);
            return new RevocationResult(revocation, Recorded: true);
        }

        _list.Add(revocation);
        try
        {
            // Not the caller's token: once in force, the write must end recorded or queued, never abandoned.
            await _trail.CommitAsync(batch, CancellationToken.None);
            return new RevocationResult(revocation, Recorded: true);
        }
        catch (StoreUnavailableException)
        {
            _pending.Add(batch);
            return new RevocationResult(revocation, Recorded: false);
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
        var lifted = disabled with { LiftedAt = now, KeepUntil = now + _options.Lifetimes.Max + Slack };
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
}
