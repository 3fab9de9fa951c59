using System.Globalization;
using Mandate.Core.Audit;

namespace Mandate.Core.Runs;

/// <summary>
/// The run of plain exchanges (no run token): every credential carries a run id, either the one the caller
/// named or one the broker stamped, but no run row is recorded for it. Its facts are read back from the audit
/// records that carry the id, so every run id a credential carries can be traced and shown.
/// </summary>
public static class ImplicitRun
{
    /// <summary>The run as its audit records tell it, or null when no record carries <paramref name="runId"/>.</summary>
    public static RunRecord? FromAudit(string runId, IReadOnlyList<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var first = records.Select(r => r.Event).Where(e => e.Agent is not null && e.Tenant is not null).MinBy(e => e.Time);
        if (first is null)
        {
            return null;
        }

        var issued = records.Select(r => r.Event).Where(e => e.Kind == AuditKinds.Issuance).ToList();
        var ended = records.Select(r => r.Event).Where(e => e.Kind == AuditKinds.Revocation).MinBy(e => e.Time);
        var decision = records.Select(r => r.Event).FirstOrDefault(e => e.Kind == AuditKinds.Decision) ?? first;

        // Open while a credential of it may still be alive: the latest expiry it was issued with.
        var expires = issued.Select(e => Expiry(e) ?? e.Time).DefaultIfEmpty(first.Time).Max();
        return new RunRecord
        {
            Id = runId,
            Lineage = runId,
            Depth = 0,
            MaxDepth = 0,
            Agent = first.Agent!,
            Tenant = first.Tenant!,
            User = first.User,
            Actors = [first.Agent!],
            Envelope = new RunEnvelope(issued.Where(e => e.Tool is not null)
                .Select(e => new KeyValuePair<string, IEnumerable<string>>(e.Tool!, (e.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)))),
            StartedAt = first.Time,
            ExpiresAt = expires,
            EndedAt = ended?.Time,
            EndedBy = ended?.Evidence.GetValueOrDefault("revoked_by"),
            EndReason = ended?.Reason,
            DecisionId = decision.DecisionId ?? "",
            PolicyVersion = decision.PolicyVersion ?? "",
            Node = first.Node ?? "",
        };
    }

    private static DateTimeOffset? Expiry(AuditEvent issuance) => issuance.EvidenceTime("exp");
}
