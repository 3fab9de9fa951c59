namespace Mandate.SenderConstraint;

/// <summary>Outcome of <see cref="ConfirmationClaim.IsBoundTo"/>.</summary>
/// <param name="Satisfied">True when the presentation satisfies the token's binding (or the token has none).</param>
/// <param name="SenderConstrained">True when the token carried a binding at all.</param>
/// <param name="FailureReason">Client-safe reason naming the check that failed and how to fix it; null on success.</param>
public sealed record BindingCheckResult(bool Satisfied, bool SenderConstrained, string? FailureReason)
{
    /// <summary>The token has no <c>cnf</c>: a bearer token, nothing to check.</summary>
    public static BindingCheckResult Bearer { get; } = new(true, false, null);

    /// <summary>The token is sender-constrained and the presentation proves possession.</summary>
    public static BindingCheckResult Bound { get; } = new(true, true, null);

    /// <summary>The stable id of the check that failed (<see cref="BindingChecks"/>); null when satisfied.</summary>
    public string? CheckId { get; init; }

    /// <summary>The token is sender-constrained and the presentation does not prove possession.</summary>
    public static BindingCheckResult Fail(string reason) => new(false, true, reason);

    /// <summary>As <see cref="Fail(string)"/>, naming the failed check.</summary>
    public static BindingCheckResult Fail(string checkId, string reason) => new(false, true, reason) { CheckId = checkId };
}
