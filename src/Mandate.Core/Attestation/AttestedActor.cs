using Mandate.Core.Configuration;

namespace Mandate.Core.Attestation;

/// <summary>The caller, attested: its workload identity and its registration as an enabled agent.</summary>
public sealed record AttestedActor(WorkloadIdentity Identity, AgentOptions Agent)
{
    /// <summary>The agent's SPIFFE ID.</summary>
    public string SpiffeId => Identity.SpiffeId;
}
