using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Mandate.SenderConstraint;

namespace Mandate.Core.Issuance;

/// <summary>
/// A run token to issue: the run, its expiry, binding and the decision records. <see cref="IsNewRun"/> is true when
/// the run record is written with the token (a started or delegated run), false for a renewal of a recorded run.
/// </summary>
public sealed record RunIssue(RunRecord Run, bool IsNewRun, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, ConfirmationClaim? Confirmation)
{
    /// <summary>The decision records committed with the run record.</summary>
    public IReadOnlyList<AuditEvent> Decisions { get; init; } = [];

    /// <summary>Builds the run record from the signed token's id and kid.</summary>
    public required Func<string, string, AuditEvent> Record { get; init; }
}
