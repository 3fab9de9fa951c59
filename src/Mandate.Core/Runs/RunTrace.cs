using Mandate.Core.Audit;

namespace Mandate.Core.Runs;

/// <summary>
/// One node of a run's delegation tree with everything the audit trail knows about it: the decisions
/// (rule, policy version), the credentials issued in it, where they were accepted or rejected, and how
/// the run and its credentials ended.
/// </summary>
public sealed record RunTrace(RunRecord Run, IReadOnlyList<AuditRecord> Decisions, IReadOnlyList<CredentialTrace> Credentials, IReadOnlyList<AuditRecord> Lifecycle, IReadOnlyList<RunTrace> Children)
{
    /// <summary>
    /// True for the run id of plain exchanges: no run token and no run row, so <see cref="Run"/> is read back
    /// from the audit records carrying the id (see <see cref="ImplicitRun"/>).
    /// </summary>
    public bool Implicit { get; init; }
}

/// <summary>One credential as the audit trail tells it.</summary>
public sealed record CredentialTrace(AuditRecord Issuance, IReadOnlyList<AuditRecord> Introspections, AuditRecord? Revocation)
{
    public string Jti => Issuance.Event.Jti!;

    /// <summary>Calls made with it through the egress proxy and the MCP gateway (<c>proxy_call</c>, <c>mcp_call</c>), oldest first.</summary>
    public IReadOnlyList<AuditRecord> Calls { get; init; } = [];

    /// <summary>The tool workloads that accepted it at introspection.</summary>
    public IEnumerable<string> AcceptedBy => Introspections.Where(r => r.Event.Outcome == "accepted").Select(r => r.Event.Evidence.GetValueOrDefault("by", "?")).Distinct();
}
