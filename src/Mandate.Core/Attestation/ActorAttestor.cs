using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Attestation;

/// <summary>
/// The one attestation of a grant's caller, shared by every grant (tool exchange, run start, renewal,
/// delegation, approval poll, the proxy's run-token mode): the workload's identity document, this trust
/// domain, the agent registry and the kill switch. No grant attests its caller any other way, so none can
/// skip a check.
/// </summary>
public sealed class ActorAttestor
{
    private readonly JwtAttestor _attestor;
    private readonly Registry _registry;
    private readonly RevocationList _revocations;
    private readonly string _trustDomain;

    public ActorAttestor(JwtAttestor attestor, Registry registry, RevocationList revocations, MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _attestor = attestor;
        _registry = registry;
        _revocations = revocations;
        _trustDomain = options.TrustDomain;
    }

    /// <summary>
    /// RFC 6749 §3.2.1: a client that names itself must be the client that authenticated (an empty value is absent,
    /// §3.2); null when it does or names none. The value is not repeated back: it is the caller's text, not an identity
    /// anything vouched for.
    /// </summary>
    public static OAuthError? ClientIdRefusal(string? clientId, WorkloadIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return !string.IsNullOrEmpty(clientId) && clientId != identity.SpiffeId
            ? AttestChecks.ClientId.Refuse($"client_id names another client than the workload that authenticated ('{identity.SpiffeId}'); send that SPIFFE ID as client_id, or omit client_id")
            : null;
    }

    /// <summary>
    /// Attests the agent from <paramref name="actorToken"/>, or over mutual TLS from the X.509-SVID the host
    /// validated (<paramref name="certificate"/>); when both are given they must name the same workload, and so must
    /// <paramref name="clientId"/> when the request names one.
    /// </summary>
    public async Task<ActorAttestation> AttestAsync(string? actorToken, WorkloadIdentity? certificate, string? clientId, CancellationToken cancellationToken)
    {
        var result = await AttestWorkloadAsync(actorToken, certificate, cancellationToken);
        if (result.Identity is not { } identity)
        {
            // RFC 8693 §2.2.2: an invalid subject or actor token is invalid_request.
            return Refuse(null, (result.Check ?? AttestChecks.ActorToken).Refuse(result.Failure ?? "actor_token is required: the agent's workload identity (JWT-SVID)", result.Detail));
        }

        if (ClientIdRefusal(clientId, identity) is { } mismatch)
        {
            return Refuse(identity, mismatch);
        }

        if (!SpiffeId.TryGetTrustDomain(identity.SpiffeId, out var domain) || domain != _trustDomain)
        {
            return Refuse(identity, AttestChecks.TrustDomain.Refuse($"actor_token names a workload outside the trust domain '{_trustDomain}'"));
        }

        if (_registry.FindAgent(identity.SpiffeId) is not { } agent)
        {
            return Refuse(identity, AttestChecks.AgentUnregistered.Refuse($"workload '{identity.SpiffeId}' is not a registered agent; add it under agents in the broker configuration"));
        }

        if (_revocations.DisabledBy(agent.Id) is { } disabled)
        {
            // Kill switch: a disabled agent gets nothing new, by any grant, until an operator lifts the revocation.
            return Refuse(identity, AttestChecks.AgentDisabled.Refuse($"agent '{agent.Id}' is disabled (revocation {disabled.Id}{(disabled.Reason is null ? "" : $": {disabled.Reason}")}); an operator re-enables it with 'mandate agents enable'"));
        }

        return new ActorAttestation { Identity = identity, Agent = agent, Actor = new AttestedActor(identity, agent) };
    }

    private async Task<AttestationResult<WorkloadIdentity>> AttestWorkloadAsync(string? actorToken, WorkloadIdentity? certificate, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(actorToken))
        {
            return new AttestationResult<WorkloadIdentity> { Identity = certificate };
        }

        var result = await _attestor.AttestWorkloadAsync(actorToken, P.ActorToken, cancellationToken);
        if (result.Identity is not null && certificate is not null && certificate.SpiffeId != result.Identity.SpiffeId)
        {
            return new AttestationResult<WorkloadIdentity>
            {
                Failure = $"actor_token names '{result.Identity.SpiffeId}' but the client certificate (X.509-SVID) is '{certificate.SpiffeId}'; "
                    + "over mutual TLS the actor_token must name the same workload as the certificate, or be omitted",
            };
        }

        return result;
    }

    private static ActorAttestation Refuse(WorkloadIdentity? identity, OAuthError error) => new() { Identity = identity, Error = error };
}
