using Mandate.Core.Audit;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.SenderConstraint;

namespace Mandate.Core.Issuance;

/// <summary>A run token to issue: the run (new, or the renewed one), its mode, expiry, binding and the decision records.</summary>
public sealed record RunIssue(RunRecord Run, RunRequestMode Mode, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, ConfirmationClaim? Confirmation)
{
    /// <summary>The decision records committed with the run record.</summary>
    public IReadOnlyList<AuditEvent> Decisions { get; init; } = [];

    /// <summary>Builds the run record from the signed token's id and kid.</summary>
    public required Func<string, string, AuditEvent> Record { get; init; }
}
