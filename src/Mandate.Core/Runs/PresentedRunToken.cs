namespace Mandate.Core.Runs;

/// <summary>A verified run token and the run record it belongs to.</summary>
/// <param name="Run">The stored run the token belongs to.</param>
/// <param name="Jti">The token's id.</param>
/// <param name="IssuedAt">The token's <c>iat</c>.</param>
/// <param name="ExpiresAt">The token's <c>exp</c>.</param>
/// <param name="Confirmation">The token's <c>cnf</c> when it is sender-constrained, else null.</param>
public sealed record PresentedRunToken(RunRecord Run, string Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, Mandate.SenderConstraint.ConfirmationClaim? Confirmation = null);
