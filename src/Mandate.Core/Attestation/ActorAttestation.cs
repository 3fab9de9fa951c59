using Mandate.Core.Configuration;
using Mandate.Core.Protocol;

namespace Mandate.Core.Attestation;

/// <summary>
/// The outcome of attesting a grant's caller: the registered, enabled agent, or the refusal with the check
/// that refused. <see cref="Identity"/> is set whenever the workload proved who it is, even when the registry
/// or the kill switch then refused it, so the refusal can be attributed in the audit trail.
/// </summary>
public sealed record ActorAttestation
{
    public WorkloadIdentity? Identity { get; init; }

    /// <summary>The agent's registration; set only when the caller is allowed.</summary>
    public AgentOptions? Agent { get; init; }

    public OAuthError? Error { get; init; }

    /// <summary>One of <see cref="AttestationChecks"/> when refused.</summary>
    public string? CheckId { get; init; }

    /// <summary>Server-only detail (the validating library's reason); never sent to the client.</summary>
    public string? Detail { get; init; }
}
