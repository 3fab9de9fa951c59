using Mandate.Core.Attestation;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Attests the agent from <c>actor_token</c> (or its X.509-SVID) through the shared <see cref="ActorAttestor"/>.</summary>
public sealed class AttestActorToken : IExchangeStep
{
    private readonly ActorAttestor _actors;

    public AttestActorToken(ActorAttestor actors) => _actors = actors;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var attested = await _actors.AttestAsync(context.Request[P.ActorToken], context.Request.Binding.CertificateIdentity, cancellationToken);
        if (attested.Error is { } error)
        {
            context.Reject(error, attested.Detail);
            return;
        }

        context.Actor = attested.Identity;
        context.Agent = attested.Agent;
    }
}
