using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Attests whom the credential is for: a user's token from a trusted user issuer, or, for background
/// work, the agent's own workload identity (which must be the same workload as the actor).
/// </summary>
public sealed class AttestSubjectToken : IExchangeStep
{
    private readonly JwtAttestor _attestor;

    public AttestSubjectToken(JwtAttestor attestor) => _attestor = attestor;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var token = context.Request[P.SubjectToken]!;
        if (_attestor.ClaimsIssuerOfKind(token, IssuerKind.Workload))
        {
            var workload = await _attestor.AttestWorkloadAsync(token, P.SubjectToken, cancellationToken);
            if (workload.Identity is null)
            {
                context.Reject(OAuthError.InvalidRequest(workload.Failure!));
                return;
            }

            if (workload.Identity.SpiffeId != context.Actor!.SpiffeId)
            {
                context.Reject(OAuthError.InvalidRequest("a workload subject_token must be the actor's own identity (background work); to act for a user, present the user's token"));
                return;
            }

            context.Subject = SubjectKind.Agent;
            return;
        }

        var user = await _attestor.AttestUserAsync(token, P.SubjectToken, cancellationToken);
        if (user.Identity is null)
        {
            context.Reject(OAuthError.InvalidRequest(user.Failure!));
            return;
        }

        context.User = user.Identity;
        context.Subject = SubjectKind.User;
    }
}
