using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>
/// Revokes by credential, run, agent, tenant or user: one durable row plus its audit record, then the
/// in-memory list, so introspection answers inactive from the next request on.
/// </summary>
public sealed class RevocationService
{
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset KeptUntilLifted = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
    private readonly IAuditTrail _trail;
    private readonly RevocationList _list;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public RevocationService(IAuditTrail trail, RevocationList list, MandateOptions options, TimeProvider time)
    {
        _trail = trail;
        _list = list;
        _options = options;
        _time = time;
    }

    /// <summary>Revokes; <paramref name="tokenExpiresAt"/> bounds how long a single-token revocation is kept.</summary>
    public async Task<Revocation> RevokeAsync(RevocationTarget target, string value, string revokedBy, string? reason, DateTimeOffset? tokenExpiresAt, CancellationToken cancellationToken)
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
        await _trail.WriteAsync(new StoreBatch { Revocations = [revocation], AuditEvents = [audit] }, cancellationToken);
        _list.Add(revocation);
        return revocation;
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
        await _trail.WriteAsync(new StoreBatch { Revocations = [lifted], AuditEvents = [audit] }, cancellationToken);
        _list.Add(lifted);
        return lifted;
    }
}
