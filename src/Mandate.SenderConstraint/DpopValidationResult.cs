namespace Mandate.SenderConstraint;

/// <summary>Outcome of <see cref="DpopProofValidator.ValidateAsync"/>, <see cref="DpopProofValidator.CheckAsync"/> or <see cref="DpopProofValidator.RecordAsync"/>.</summary>
/// <param name="Failure">Why the proof was refused; <see cref="DpopFailure.None"/> when valid.</param>
/// <param name="FailureReason">Client-safe text naming the check that failed and how to fix it.</param>
/// <param name="JwkThumbprint">RFC 7638 thumbprint of the proof's key (the <c>cnf.jkt</c> to bind or check).</param>
/// <param name="Jti">The proof's <c>jti</c> (safe to log).</param>
public sealed record DpopValidationResult(DpopFailure Failure, string? FailureReason, string? JwkThumbprint, string? Jti)
{
    /// <summary>True when every check passed.</summary>
    public bool IsValid => Failure == DpopFailure.None;

    /// <summary>The stable id of the check that refused (<see cref="BindingChecks"/>); null when valid.</summary>
    public string? CheckId { get; init; }

    /// <summary>Until when the proof's jti must be remembered (its iat plus the window); set on a proof that passed the checks.</summary>
    internal DateTimeOffset? ReplayExpiresAt { get; init; }

    internal static DpopValidationResult Invalid(string checkId, string reason) => new(DpopFailure.InvalidProof, reason, null, null) { CheckId = checkId };

    internal static DpopValidationResult NonceRequired(string checkId, string reason) => new(DpopFailure.UseNonce, reason, null, null) { CheckId = checkId };
}
