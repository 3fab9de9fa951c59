using Mandate.Core.Revocation;

namespace Mandate.Core.Introspection;

/// <summary>The verified claims of a token Mandate issued.</summary>
public sealed record IssuedToken
{
    public required string Jti { get; init; }
    public required string Agent { get; init; }
    public required string Subject { get; init; }
    public required string Audience { get; init; }
    public required string Scope { get; init; }
    public required string Tenant { get; init; }
    public required string Run { get; init; }
    public required string PolicyVersion { get; init; }
    public required string DecisionId { get; init; }
    public required string Kid { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The token's <c>cnf</c> (RFC 8705 §3 / RFC 9449 §6), or null for a bearer token.</summary>
    public Mandate.SenderConstraint.ConfirmationClaim? Confirmation { get; init; }

    /// <summary>The delegation chain from the token's <c>act</c> claim (as <see cref="Runs.ActorChain.FromClaim"/> reads it), or null when it has none.</summary>
    public IReadOnlyList<string>? Actors { get; init; }

    /// <summary>The user the token acts for; null for background work (subject is the agent itself).</summary>
    public string? User => Subject == Agent ? null : Subject;

    public CredentialFacts Facts => new(Jti, Agent, Tenant, Run, User, IssuedAt);
}
