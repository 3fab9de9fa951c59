namespace Mandate.Core.Attestation;

/// <summary>An attested user: issuer, subject and the tenant their token names.</summary>
public sealed record UserIdentity(string Issuer, string Subject, string Tenant, AttestationEvidence Evidence);
