namespace Mandate.Core.Attestation;

/// <summary>An attested user: issuer, subject and the tenant their token names.</summary>
public sealed record UserIdentity(string Issuer, string Subject, string Tenant, AttestationEvidence Evidence)
{
    /// <summary>The token's claims other than the registered JWT ones, as expression values for policy conditions.</summary>
    public IReadOnlyDictionary<string, object?> Claims { get; init; } = new Dictionary<string, object?>();
}
