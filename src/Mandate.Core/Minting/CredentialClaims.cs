namespace Mandate.Core.Minting;

/// <summary>
/// What one issued access token says (RFC 9068 plus Mandate's claims). Everything the audit record
/// needs to attribute the credential is here; the signed token itself is never stored.
/// </summary>
public sealed record CredentialClaims
{
    public required string Jti { get; init; }

    /// <summary>The user the agent acts for, or the agent's SPIFFE ID for background work.</summary>
    public required string Subject { get; init; }

    /// <summary>The tool's resource URI.</summary>
    public required string Audience { get; init; }

    /// <summary>The agent (RFC 9068 §2.2 client_id), also the <c>act.sub</c>.</summary>
    public required string Agent { get; init; }

    /// <summary>The delegation chain, root agent first, <see cref="Agent"/> last (the nested <c>act</c> claim).</summary>
    public required IReadOnlyList<string> Actors { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }
    public required string Tenant { get; init; }
    public required string Run { get; init; }
    public required string PolicyVersion { get; init; }
    public required string DecisionId { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>RFC 9396 §9.1: granted authorization details (expression values), or null for none.</summary>
    public IReadOnlyList<object?>? AuthorizationDetails { get; init; }

    /// <summary>The human approval the credential rests on, or null.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>Who approved (e.g. <c>admin:alice</c>).</summary>
    public string? Approver { get; init; }

    /// <summary>RFC 8705 §3 / RFC 9449 §6: the holder binding (<c>cnf</c>), or null for a bearer token.</summary>
    public Mandate.SenderConstraint.ConfirmationClaim? Confirmation { get; init; }

    public string Scope => string.Join(' ', Scopes);
}
