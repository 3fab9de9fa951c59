namespace Mandate.Core.Attestation;

/// <summary>Stable ids of the checks that attest a grant's caller (the agent); audit records and logs carry them.</summary>
public static class AttestationChecks
{
    /// <summary>The actor_token (or client certificate) did not prove a workload identity.</summary>
    public const string ActorToken = "attest.actor_token";

    /// <summary>The workload belongs to another trust domain.</summary>
    public const string TrustDomain = "attest.trust_domain";

    /// <summary>The workload is not a registered agent.</summary>
    public const string AgentUnregistered = "attest.agent_unregistered";

    /// <summary>The agent is disabled (kill switch: <c>mandate revoke --agent</c>).</summary>
    public const string AgentDisabled = "attest.agent_disabled";
}
