using Mandate.Core.RateLimits;

namespace Mandate.Core.Approvals;

/// <summary>
/// A conditional state change: applied only if the approval is still in <see cref="From"/> (and, for
/// decisions, not expired at <see cref="At"/>), so approve, deny and consume each happen at most once.
/// </summary>
public sealed record ApprovalTransition
{
    public required string Id { get; init; }
    public required ApprovalStatus From { get; init; }
    public required ApprovalStatus To { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? Approver { get; init; }
    public string? Reason { get; init; }
    public string? Jti { get; init; }

    /// <summary>
    /// Rate-limit counters moved in the same transaction when, and only when, the transition applies: those of the
    /// credential an approved → consumed collection issues. Empty for every other transition.
    /// </summary>
    public IReadOnlyList<RateIncrement> RateIncrements { get; init; } = [];
}
