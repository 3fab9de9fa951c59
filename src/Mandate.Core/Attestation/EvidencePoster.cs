namespace Mandate.Core.Attestation;

/// <summary>
/// An attested poster of evidence: its identity, the subjects its issuer lets it vouch for (issuers[].evidence_subjects)
/// and the token's values of the claims those templates read (JSON strings only; a claim the token lacks is absent).
/// </summary>
public sealed record EvidencePoster(WorkloadIdentity Identity, IReadOnlyList<string> SubjectTemplates, IReadOnlyDictionary<string, string> Claims);
