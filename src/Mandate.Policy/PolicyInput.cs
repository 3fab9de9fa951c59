namespace Mandate.Policy;

/// <summary>Who the token is for: a user the agent serves, or the agent itself doing background work.</summary>
public enum SubjectKind
{
    User,
    Agent,
}

/// <summary>
/// Everything a policy may look at for one exchange. Built by the exchange pipeline from attested
/// identities and the validated request only; the policy never sees raw tokens and does no I/O.
/// </summary>
public sealed partial record PolicyInput
{
    /// <summary>The actor's SPIFFE ID, e.g. <c>spiffe://acme.example/agents/support</c>.</summary>
    public required string Agent { get; init; }

    /// <summary>The tool's registered name (resolved from <c>resource</c>/<c>audience</c>).</summary>
    public required string Tool { get; init; }

    /// <summary>Requested operations, de-duplicated, in request order.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The tenant the credential would be issued for.</summary>
    public required string Tenant { get; init; }

    /// <summary>Whether the subject is a user or the agent itself (background work).</summary>
    public required SubjectKind Subject { get; init; }

    /// <summary>The tenant attested by the user's token; null for background work.</summary>
    public string? UserTenant { get; init; }

    /// <summary>The user as <c>issuer|subject</c>; null for background work.</summary>
    public string? User { get; init; }

    /// <summary>0 for an agent's own run; 1 for a sub-agent it delegated to; and so on.</summary>
    public int DelegationDepth { get; init; }

    /// <summary>The broker's environment (e.g. <c>dev</c>, <c>prod</c>) from configuration.</summary>
    public required string Environment { get; init; }
}
