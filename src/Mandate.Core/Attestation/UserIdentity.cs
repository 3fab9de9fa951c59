namespace Mandate.Core.Attestation;

/// <summary>
/// An attested user: issuer, subject and the tenant their token names. <see cref="MayAct"/> is the
/// token's RFC 8693 §4.4 <c>may_act.sub</c>, when present: the only party allowed to act for the user.
/// </summary>
public sealed record UserIdentity(string Issuer, string Subject, string Tenant, AttestationEvidence Evidence)
{
    public string? MayAct { get; init; }

    /// <summary>
    /// The token's <c>iat</c>, when it has one: a tenant or user revocation refuses the tokens issued up to it
    /// (<see cref="Revocation.PrincipalStanding.UserToken"/>). Null for a token without <c>iat</c>.
    /// </summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The token's claims other than the registered JWT ones, as expression values for policy conditions.</summary>
    public IReadOnlyDictionary<string, object?> Claims { get; init; } = new Dictionary<string, object?>();
}
