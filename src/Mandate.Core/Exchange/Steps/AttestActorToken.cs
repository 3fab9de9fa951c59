using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Attests the agent from <c>actor_token</c> and requires it to be a registered agent of this trust domain.</summary>
public sealed class AttestActorToken : IExchangeStep
{
    private readonly JwtAttestor _attestor;
    private readonly Registry _registry;
    private readonly RevocationList _revocations;
    private readonly string _trustDomain;

    public AttestActorToken(JwtAttestor attestor, Registry registry, RevocationList revocations, MandateOptions options)
    {
        _attestor = attestor;
        _registry = registry;
        _revocations = revocations;
        _trustDomain = options.TrustDomain;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var result = await AttestAsync(context, cancellationToken);
        if (result.Identity is null)
        {
            // RFC 8693 §2.2.2: an invalid subject or actor token is invalid_request.
            context.Reject(OAuthError.InvalidRequest(result.Failure!), result.Detail);
            return;
        }

        if (!SpiffeId.TryGetTrustDomain(result.Identity.SpiffeId, out var domain) || domain != _trustDomain)
        {
            context.Reject(OAuthError.InvalidRequest($"actor_token names a workload outside the trust domain '{_trustDomain}'"));
            return;
        }

        var agent = _registry.FindAgent(result.Identity.SpiffeId);
        if (agent is null)
        {
            context.Reject(OAuthError.UnauthorizedClient($"workload '{result.Identity.SpiffeId}' is not a registered agent; add it under agents in the broker configuration"));
            return;
        }

        if (_revocations.DisabledBy(agent.Id) is { } disabled)
        {
            // Kill switch: a disabled agent gets nothing new until an operator lifts the revocation.
            context.Reject(OAuthError.UnauthorizedClient($"agent '{agent.Id}' is disabled (revocation {disabled.Id}{(disabled.Reason is null ? "" : $": {disabled.Reason}")}); an operator re-enables it with 'mandate agents enable'"));
            return;
        }

        context.Actor = result.Identity;
        context.Agent = agent;
    }

    /// <summary>
    /// The agent is the actor_token's subject, or over mutual TLS the X.509-SVID's SPIFFE ID (the host
    /// validated it); when both are given they must name the same workload.
    /// </summary>
    private async Task<AttestationResult<WorkloadIdentity>> AttestAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var certificate = context.Request.Binding.CertificateIdentity;
        if (string.IsNullOrEmpty(context.Request[P.ActorToken]))
        {
            return new AttestationResult<WorkloadIdentity> { Identity = certificate };
        }

        var result = await _attestor.AttestWorkloadAsync(context.Request[P.ActorToken]!, P.ActorToken, cancellationToken);
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
}
