using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Runs;

namespace Mandate.Server.Admin;

/// <summary>JSON shapes of runs and traces for the admin API.</summary>
public static class RunJson
{
    public static object Run(RunRecord r) => new
    {
        id = r.Id,
        parent = r.ParentId,
        depth = r.Depth,
        max_depth = r.MaxDepth,
        agent = r.Agent,
        actors = r.Actors,
        tenant = r.Tenant,
        user = r.User,
        user_issuer = r.UserIssuer,
        envelope = JsonDocument.Parse(r.Envelope.ToJson()).RootElement,
        started_at = r.StartedAt,
        expires_at = r.ExpiresAt,
        ended_at = r.EndedAt,
        ended_by = r.EndedBy,
        end_reason = r.EndReason,
        decision = r.DecisionId,
        policy_version = r.PolicyVersion,
        node = r.Node,
    };

    public static object Trace(RunTrace t) => new
    {
        run = Run(t.Run),
        // The run id of plain exchanges: read back from the audit records carrying it; no run token was issued.
        @implicit = t.Implicit,
        decisions = t.Decisions.Select(Record),
        credentials = t.Credentials.Select(c => new
        {
            jti = c.Jti,
            issuance = Record(c.Issuance),
            accepted_by = c.AcceptedBy,
            introspections = c.Introspections.Select(Record),
            calls = c.Calls.Select(Record),
            revocation = c.Revocation is null ? null : Record(c.Revocation),
        }),
        lifecycle = t.Lifecycle.Select(Record),
        children = t.Children.Select(Trace),
    };

    private static object Record(AuditRecord r) => new { seq = r.Sequence, hash = r.Hash, @event = r.PayloadJson() };
}
