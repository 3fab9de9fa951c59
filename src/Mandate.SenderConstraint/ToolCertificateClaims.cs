namespace Mandate.SenderConstraint;

/// <summary>
/// The decision a tool credential certificate (kind <c>x509</c>) was issued for, as its Mandate extension states it
/// (<see cref="ToolCredentialExtension"/>): the same facts a JWT tool credential carries as claims.
/// </summary>
public sealed record ToolCertificateClaims
{
    /// <summary>The tool's resource URI (the JWT credential's <c>aud</c>); a tool accepts only its own.</summary>
    public required string Audience { get; init; }

    /// <summary>The tool's name in the broker's configuration.</summary>
    public required string Tool { get; init; }

    /// <summary>The tenant the credential is valid in.</summary>
    public required string Tenant { get; init; }

    /// <summary>The user the agent acts for (<c>sub</c> of the user), or null for the agent's background work.</summary>
    public string? User { get; init; }

    /// <summary>The run (agent invocation) the credential belongs to, or null outside a run.</summary>
    public string? Run { get; init; }

    /// <summary>Granted operations, space-separated as the OAuth <c>scope</c> parameter (RFC 6749 §3.3).</summary>
    public required string Scope { get; init; }

    /// <summary>The credential id, <c>x509_&lt;serial&gt;</c> (<see cref="ToolCredentialExtension.JtiOf"/>).</summary>
    public required string Jti { get; init; }

    /// <summary>The policy version (content hash) that allowed the credential.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>The broker's decision id (<c>mandate audit query</c> finds it).</summary>
    public required string DecisionId { get; init; }
}
