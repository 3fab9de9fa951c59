namespace Mandate.Client;

/// <summary>What an agent asks for: one tool, some operations, on behalf of a user (or itself).</summary>
public sealed record CredentialRequest
{
    /// <summary>The agent's workload identity (a JWT-SVID), sent as <c>actor_token</c>.</summary>
    public required string ActorToken { get; init; }

    /// <summary>The user's token, or the agent's own identity for background work; sent as <c>subject_token</c>.</summary>
    public required string SubjectToken { get; init; }

    /// <summary>The tool's resource URI or registered name.</summary>
    public required string Tool { get; init; }

    /// <summary>Operations the call needs.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>Tenant to act in; omitted means the user's own tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>The agent invocation this belongs to; omitted means the broker assigns one.</summary>
    public string? Run { get; init; }

    /// <summary>RFC 9396 <c>authorization_details</c> as a JSON array, e.g. the exact refund a rule may ask a human to approve.</summary>
    public string? AuthorizationDetails { get; init; }
}
