using Mandate.Core.Grants;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Policy;
using Mandate.SenderConstraint;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Attestation;

/// <summary>
/// The Attest stage, shared by every grant: the caller (its workload identity, this trust domain, the agent
/// registry, the kill switch, through <see cref="ActorAttestor"/>), whom the request is for (a user's token,
/// the agent's own identity, or a run token and its holder), and whether something granted earlier still
/// stands (<see cref="PrincipalStanding"/>). No grant attests any other way, so none can skip a check.
/// </summary>
public sealed class AttestStage
{
    private readonly ActorAttestor _actors;
    private readonly JwtAttestor _attestor;
    private readonly RunTokenValidator _runTokens;
    private readonly PrincipalStanding _standing;
    private readonly DpopProofValidator _proofs;

    public AttestStage(ActorAttestor actors, JwtAttestor attestor, RunTokenValidator runTokens, PrincipalStanding standing, DpopProofValidator proofs)
    {
        _actors = actors;
        _attestor = attestor;
        _runTokens = runTokens;
        _standing = standing;
        _proofs = proofs;
    }

    /// <summary>
    /// Attests the caller of <paramref name="request"/> from its actor_token, or over mutual TLS from the client
    /// certificate's X.509-SVID (a client_id the request sent must name the same workload); then, for an allowed caller,
    /// records the request's DPoP proof, refusing a replay (RFC 9449 §11.1).
    /// </summary>
    public async Task<ActorAttestation> ActorAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attested = await _actors.AttestAsync(request.ActorToken, request.Binding.CertificateIdentity, request.ClientId, cancellationToken);
        if (attested.Actor is null || request.Binding.Proof is not { } proof)
        {
            return attested;
        }

        // Only now, so a caller with no identity cannot fill the replay cache with proofs of keys of its own.
        var recorded = await _proofs.RecordAsync(proof, cancellationToken);
        return recorded.IsValid
            ? attested
            : attested with { Actor = null, Agent = null, Error = new Check(recorded.CheckId ?? BindingChecks.DpopProofReplayed, ConfirmationNames.InvalidDpopProof).Refuse(recorded.FailureReason ?? "the DPoP proof was already used") };
    }

    /// <summary>Attests the subject_token of <paramref name="request"/> for <paramref name="actor"/>.</summary>
    public async Task<Result<AttestedSubject>> SubjectAsync(TokenRequest request, AttestedActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var token = request.SubjectToken ?? "";
        if (request.SubjectTokenType == OAuthConstants.TokenTypes.TxnToken)
        {
            return await RunTokenAsync(token, request.Binding, cancellationToken);
        }

        var (workload, user) = await _attestor.AttestSubjectAsync(token, P.SubjectToken, cancellationToken);
        if (workload is not null)
        {
            if (workload.Identity is not { } identity)
            {
                return AttestChecks.SubjectToken.Refuse(workload.Failure ?? "subject_token is not a valid workload identity", workload.Detail);
            }

            return identity.SpiffeId == actor.SpiffeId
                ? new AttestedSubject(SubjectKind.Agent, null, null)
                : AttestChecks.SubjectNotActor.Refuse("a workload subject_token must be the actor's own identity (background work); to act for a user, present the user's token");
        }

        if (user?.Identity is not { } person)
        {
            return AttestChecks.SubjectToken.Refuse(user?.Failure ?? "subject_token is not a valid user token", user?.Detail);
        }

        // RFC 8693 §4.4: may_act names the party allowed to act for the subject.
        if (person.MayAct is { } mayAct && mayAct != actor.SpiffeId)
        {
            return AttestChecks.MayAct.Refuse("subject_token's may_act claim names another party; only that workload may act for this user");
        }

        // A tenant or user revocation also takes the identity provider's tokens issued up to it.
        if (_standing.UserToken(person, P.SubjectToken) is { } revoked)
        {
            return revoked.Check.Refuse(revoked.Description);
        }

        return new AttestedSubject(SubjectKind.User, person, null);
    }

    /// <summary>
    /// Whether a grant made earlier for <paramref name="principal"/> still stands now (invariant 6); returns the
    /// principal's recorded run, if any, so lifetimes can be bounded by it.
    /// </summary>
    public Task<(RunRecord? Run, StandingRefusal? Refusal)> StandingAsync(GrantPrincipal principal, string subject, DateTimeOffset now, CancellationToken cancellationToken) =>
        _standing.CheckAsync(principal, subject, now, cancellationToken);

    private async Task<Result<AttestedSubject>> RunTokenAsync(string token, SenderBinding binding, CancellationToken cancellationToken)
    {
        var checkedToken = await _runTokens.CheckAsync(token, P.SubjectToken, allowExpired: false, cancellationToken);
        if (checkedToken.Failed(out var error, out var presented))
        {
            return error;
        }

        if (HolderFailure(presented.Confirmation, binding) is { } notHolder)
        {
            return AttestChecks.RunTokenHolder.Refuse(notHolder);
        }

        var run = presented.Run;
        if (run is { User: { } user, UserIssuer: { } issuer })
        {
            var identity = new UserIdentity(issuer, user, run.Tenant, new AttestationEvidence("run token", issuer, null, "ES256", presented.ExpiresAt, presented.Jti));
            return new AttestedSubject(SubjectKind.User, identity, presented);
        }

        return new AttestedSubject(SubjectKind.Agent, null, presented);
    }

    /// <summary>
    /// A sender-constrained run token counts only from its holder (RFC 9449 §7, RFC 8705 §3): this request must
    /// carry a DPoP proof by the bound key, or come over mTLS with the bound certificate. Null when it does.
    /// </summary>
    private static string? HolderFailure(ConfirmationClaim? cnf, SenderBinding binding)
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
