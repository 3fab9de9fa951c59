using Mandate.Core.Attestation;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;
using Mandate.Policy;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Attests whom the request is for: a run token Mandate issued (the run's user or agent), a user's
/// token from a trusted user issuer, or, for background work, the agent's own workload identity.
/// </summary>
public sealed class AttestSubjectToken : IExchangeStep
{
    private readonly JwtAttestor _attestor;
    private readonly RunTokenValidator _runTokens;

    public AttestSubjectToken(JwtAttestor attestor, RunTokenValidator runTokens)
    {
        _attestor = attestor;
        _runTokens = runTokens;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var token = context.Request[P.SubjectToken]!;
        if (context.Request[P.SubjectTokenType] == OAuthConstants.TokenTypes.TxnToken)
        {
            await AttestRunTokenAsync(context, token, cancellationToken);
            return;
        }

        var (workload, user) = await _attestor.AttestSubjectAsync(token, P.SubjectToken, cancellationToken);
        if (workload is not null)
        {
            if (workload.Identity is null)
            {
                context.Reject(OAuthError.InvalidRequest(workload.Failure!), workload.Detail);
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

        if (user!.Identity is null)
        {
            context.Reject(OAuthError.InvalidRequest(user.Failure!), user.Detail);
            return;
        }

        // RFC 8693 §4.4: may_act names the party allowed to act for the subject.
        if (user.Identity.MayAct is { } mayAct && mayAct != context.Actor!.SpiffeId)
        {
            context.Reject(OAuthError.InvalidRequest("subject_token's may_act claim names another party; only that workload may act for this user"));
            return;
        }

        context.User = user.Identity;
        context.Subject = SubjectKind.User;
    }

    private async Task AttestRunTokenAsync(ExchangeContext context, string token, CancellationToken cancellationToken)
    {
        var (presented, failure) = await _runTokens.ValidateAsync(token, P.SubjectToken, cancellationToken);
        if (presented is null)
        {
            context.Reject(OAuthError.InvalidRequest(failure!));
            return;
        }

        if (HolderFailure(presented.Confirmation, context.Request.Binding) is { } notHolder)
        {
            context.Reject(OAuthError.InvalidRequest(notHolder));
            return;
        }

        var run = presented.Run;
        context.SubjectRun = presented;
        context.Subject = run.User is null ? SubjectKind.Agent : SubjectKind.User;
        if (run.User is not null)
        {
            context.User = new UserIdentity(run.UserIssuer!, run.User, run.Tenant,
                new AttestationEvidence("run token", run.UserIssuer!, null, "ES256", presented.ExpiresAt, presented.Jti));
        }
    }

    /// <summary>
    /// A sender-constrained run token counts only from its holder (RFC 9449 §7, RFC 8705 §3): this request must
    /// carry a DPoP proof by the bound key, or come over mTLS with the bound certificate. Null when it does.
    /// </summary>
    private static string? HolderFailure(Mandate.SenderConstraint.ConfirmationClaim? cnf, SenderBinding binding)
    {
        if (cnf?.Jkt is { } jkt && !string.Equals(jkt, binding.DpopJkt, StringComparison.Ordinal))
        {
            return "subject_token is a run token bound to a DPoP key (cnf.jkt); send a DPoP proof signed by that key with this request";
        }

        if (cnf?.X5tS256 is { } x5t && !string.Equals(x5t, binding.CertificateThumbprint, StringComparison.Ordinal))
        {
            return "subject_token is a run token bound to a client certificate (cnf x5t#S256); call over mutual TLS with that certificate";
        }

        return null;
    }
}
