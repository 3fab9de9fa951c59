namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// Why a presented JWT breaks a rule every incoming JWT must meet. <see cref="Check"/> is a stable id
/// (<see cref="JwtRuleChecks"/>) to switch on; <see cref="Problem"/> is client-safe text that reads after
/// the token's name ("subject_token " + Problem), names the rule and how to fix it, and never quotes the token.
/// </summary>
public sealed record JwtRuleViolation(string Check, string Problem);
