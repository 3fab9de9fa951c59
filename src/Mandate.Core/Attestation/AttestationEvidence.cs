namespace Mandate.Core.Attestation;

/// <summary>What an identity was accepted on, for the audit record (R6). Never the token itself.</summary>
public sealed record AttestationEvidence(string IssuerName, string Issuer, string? KeyId, string Algorithm, DateTimeOffset ExpiresAt, string? TokenId)
{
    /// <summary>The profile that mapped the token's claims to the workload (<c>jwt-svid</c>, <c>kubernetes</c>, ...); null for user tokens.</summary>
    public string? Profile { get; init; }
}
