namespace Mandate.Core.Revocation;

/// <summary>
/// Who something granted earlier is for: the agent, tenant, user and run, and when it was granted. Revocations
/// of any of them made at or after <see cref="GrantedAt"/> take it away (<see cref="RevocationList.Find"/>).
/// </summary>
public sealed record GrantPrincipal(string Agent, string Tenant, string? User, string Run, DateTimeOffset GrantedAt)
{
    /// <summary>
    /// When the user token the grant was made with was issued, if it rests on one: tenant and user revocations are
    /// also judged from it (<see cref="RevocationList.CoveringIdentityToken"/>), as they take that token away too.
    /// </summary>
    public DateTimeOffset? IdentityIssuedAt { get; init; }
}
