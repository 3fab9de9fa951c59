using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>What a revocation covers.</summary>
public enum RevocationTarget
{
    /// <summary>One credential, by <c>jti</c>.</summary>
    Token,
    /// <summary>Every credential an agent (SPIFFE ID) holds; once lifted, those issued up to the revocation time.</summary>
    Agent,
    /// <summary>Every credential issued for a tenant up to the revocation time, and the users' identity tokens of the tenant issued up to it.</summary>
    Tenant,
    /// <summary>
    /// Every credential issued on behalf of a user (the token subject, <c>sub</c>, of any user issuer) up to the revocation
    /// time, and the user's identity tokens issued up to it.
    /// </summary>
    User,
    /// <summary>Every credential of one run: a revoked run never gets another.</summary>
    Run,
}

/// <summary>
/// A durable revocation. A tenant or user revocation covers credentials issued at or before <see cref="RevokedAt"/>;
/// a run revocation every credential of the run, and an agent revocation every credential of the agent until it is
/// lifted (then those issued up to <see cref="RevokedAt"/>). Revoking is one row however many credentials it kills.
/// </summary>
public sealed record Revocation : IStoreChange
{
    public required string Id { get; init; }
    public required RevocationTarget Target { get; init; }
    public required string Value { get; init; }
    public required DateTimeOffset RevokedAt { get; init; }

    /// <summary>After this time nothing it covers can still be valid, so it may be purged.</summary>
    public required DateTimeOffset KeepUntil { get; init; }

    /// <summary>Who revoked: an admin, or the SPIFFE ID of the workload that called RFC 7009 revocation.</summary>
    public required string RevokedBy { get; init; }

    public string? Reason { get; init; }

    /// <summary>
    /// Agent revocations only: when the agent was enabled again. Until then the agent gets nothing new
    /// (kill switch); credentials issued up to <see cref="RevokedAt"/> stay revoked either way.
    /// </summary>
    public DateTimeOffset? LiftedAt { get; init; }
}
