namespace Mandate.Core.Attestation;

/// <summary>An attested workload (an agent or a tool): its SPIFFE ID and the evidence it was accepted on.</summary>
public sealed record WorkloadIdentity(string SpiffeId, AttestationEvidence Evidence);
