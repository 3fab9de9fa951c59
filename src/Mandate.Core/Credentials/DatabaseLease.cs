using Mandate.Core.Storage;

namespace Mandate.Core.Credentials;

/// <summary>
/// A database login Mandate created for one credential, kept in Mandate's store so the reaper can drop it
/// at expiry or revocation even after a restart. Written in the same batch as the issuance record. Holds
/// the role's name, never its password.
/// </summary>
public sealed record DatabaseLease : IStoreChange
{
    /// <summary>The generated role name (unique; the lease's key).</summary>
    public required string Role { get; init; }

    /// <summary>The tool whose database holds the role.</summary>
    public required string Tool { get; init; }

    /// <summary>The credential's jti: revoking it drops the role.</summary>
    public required string Jti { get; init; }

    public required string Run { get; init; }
    public required string Tenant { get; init; }
    public required string Agent { get; init; }

    /// <summary>The user the agent acted for, or null for background work.</summary>
    public string? User { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The credential's expiry; also the role's <c>VALID UNTIL</c>.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public DatabaseLeaseState State { get; init; } = DatabaseLeaseState.Active;

    /// <summary>When the role was dropped.</summary>
    public DateTimeOffset? DroppedAt { get; init; }

    /// <summary>Why it was dropped: <c>expired</c>, or the revocation that covered it.</summary>
    public string? DropReason { get; init; }

    /// <summary>The facts revocations are matched against.</summary>
    public Revocation.CredentialFacts Facts => new(Jti, Agent, Tenant, Run, User, IssuedAt);
}
