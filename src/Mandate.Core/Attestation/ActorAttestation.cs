using System.Diagnostics.CodeAnalysis;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;

namespace Mandate.Core.Attestation;

/// <summary>
/// The outcome of attesting a grant's caller: the registered, enabled agent, or the refusal (carrying its
/// <see cref="AttestChecks"/> id). <see cref="Identity"/> is set whenever the workload proved who it is, even
/// when the registry or the kill switch then refused it, so the refusal can be attributed in the audit trail.
/// </summary>
public sealed record ActorAttestation
{
    public WorkloadIdentity? Identity { get; init; }

    /// <summary>The agent's registration; set only when the caller is allowed.</summary>
    public AgentOptions? Agent { get; init; }

    /// <summary>The attested, allowed caller; set only when the caller is allowed.</summary>
    public AttestedActor? Actor { get; init; }

    /// <summary>The refusal, with its check id and server-only detail.</summary>
    public OAuthError? Error { get; init; }

    /// <summary>The check id of <see cref="Error"/>.</summary>
    public string? CheckId => Error?.CheckId;

    /// <summary>True with <paramref name="error"/> when refused; false with the allowed <paramref name="actor"/> otherwise.</summary>
    public bool Failed([NotNullWhen(true)] out OAuthError? error, [NotNullWhen(false)] out AttestedActor? actor)
    {
        actor = Actor;
        error = Actor is null ? Error ?? AttestChecks.ActorToken.Refuse("actor_token is required: the agent's workload identity (JWT-SVID)") : null;
        return Actor is null;
    }
}
