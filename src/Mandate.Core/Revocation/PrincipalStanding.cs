using Mandate.Core.Runs;
using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>
/// The one answer to "is this principal still allowed right now?", asked whenever something granted earlier
/// is used: a run token presented again, an approved credential collected. The run must be open (not ended,
/// not past its maximum duration), no agent of its delegation chain disabled, and no revocation of the
/// token, run, agent, tenant or user made since the grant (invariant 6: revocation has no way around it).
/// </summary>
public sealed class PrincipalStanding
{
    /// <summary>The resolution of a JWT's <c>iat</c>.</summary>
    private static readonly TimeSpan WholeSecond = TimeSpan.FromSeconds(1);

    private readonly IMandateStore _store;
    private readonly RevocationList _revocations;
    private readonly RunAncestry _ancestry;
    private readonly CredentialUserTokens _userTokens;

    public PrincipalStanding(IMandateStore store, RevocationList revocations)
    {
        _store = store;
        _revocations = revocations;
        _ancestry = new RunAncestry(store);
        _userTokens = new CredentialUserTokens(store);
    }

    /// <summary>
    /// Checks a grant made for <paramref name="principal"/>. When its run is a recorded run (started with a
    /// run token) the run's state counts too; the run is returned so callers can bound lifetimes by it.
    /// </summary>
    public async Task<(RunRecord? Run, StandingRefusal? Refusal)> CheckAsync(GrantPrincipal principal, string subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var run = await _store.GetRunAsync(principal.Run, cancellationToken);
        if (run is not null && RunRefusal(run, now) is { } closed)
        {
            return (run, closed);
        }

        var facts = new CredentialFacts("", principal.Agent, principal.Tenant, principal.Run, principal.User, Since(principal.GrantedAt, run?.StartedAt));
        return (run, Revoked(subject, facts) ?? IdentityRevoked(principal, subject) ?? (run is null ? null : AncestorRevoked(subject, run.Id, run.Lineage)));
    }

    /// <summary>
    /// Checks a recorded run and a token of it (<paramref name="jti"/>, issued at <paramref name="issuedAt"/>).
    /// <paramref name="subject"/> names what was presented, for the description (e.g. <c>subject_token</c>).
    /// </summary>
    public StandingRefusal? Check(RunRecord run, string jti, DateTimeOffset issuedAt, string subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        return RunRefusal(run, now)
            ?? Revoked(subject, new CredentialFacts(jti, run.Agent, run.Tenant, run.Id, run.User, Since(issuedAt, run.StartedAt)))
            ?? AncestorRevoked(subject, run.Id, run.Lineage);
    }

    /// <summary>
    /// Checks a user's identity token presented for a new grant: a tenant or user revocation takes what was issued up to
    /// it, the identity provider's tokens included, so the agent needs a token the user got after the revocation
    /// (invariant 6). <paramref name="subject"/> names the parameter, for the description.
    /// </summary>
    public StandingRefusal? UserToken(Attestation.UserIdentity user, string subject)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (_revocations.CoveringIdentityToken(user.Tenant, user.Subject, user.IssuedAt) is not { } revocation)
        {
            return null;
        }

        var target = revocation.Target == RevocationTarget.User ? $"user '{revocation.Value}'" : $"tenant '{revocation.Value}'";
        var when = user.IssuedAt is { } issuedAt
            ? $"was issued at {issuedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, before {target} was revoked at {revocation.RevokedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
            : $"has no 'iat' claim, so it cannot be shown to postdate the revocation of {target} at {revocation.RevokedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
        return new StandingRefusal(Attestation.AttestChecks.For(revocation.Target),
            $"{subject} {when} (revocation {revocation.Id}); the user must sign in again for a new token", revocation);
    }

    /// <summary>
    /// The revocation that covers an issued credential, if any: one of its own token, run, agent, tenant or user (judged
    /// from the start of its run when the run is recorded, else from the user token it was issued on), or one of an
    /// ancestor of its run. The ancestor matters across nodes: a run delegated on one node while another node revoked or
    /// ended its parent is not among the rows that revocation cascaded to (the subtree was listed before the child was
    /// recorded), so its credentials are covered through the run's recorded lineage (invariant 6). The run's start and
    /// lineage never change, so they are read once per run (<see cref="RunAncestry"/>).
    /// </summary>
    public async Task<Revocation?> CoveringCredentialAsync(CredentialFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (_revocations.Find(facts) is { } own)
        {
            return own;
        }

        if (facts.Run.Length == 0 || !_revocations.MayCoverThroughRun(facts))
        {
            return null;
        }

        return await _ancestry.FindAsync(facts.Run, cancellationToken) is { } run
            ? _revocations.Find(facts with { IssuedAt = Since(facts.IssuedAt, run.StartedAt) }) ?? AncestorRevocation(run.Id, run.Lineage)?.Revocation
            : await UserTokenRevocationAsync(facts, cancellationToken);
    }

    // Outside a recorded run a credential rests on the user token it was exchanged for, and a tenant or user revocation
    // takes the user tokens issued up to it: so also a credential that a node which had not heard of the revocation yet
    // issued after its time on such a token. The exchange refuses that token once the node has heard (UserToken), and the
    // credential is judged the same way, from the token's iat in its issuance record, read once per credential
    // (invariant 6). A record that names no iat (a token without one, a gateway's upstream credential) is judged by the
    // credential's own issue time alone.
    private async Task<Revocation?> UserTokenRevocationAsync(CredentialFacts facts, CancellationToken cancellationToken)
    {
        if (facts.User is not { } user || _revocations.CoveringIdentityToken(facts.Tenant, user, issuedAt: null) is null)
        {
            return null;
        }

        return await _userTokens.FindAsync(facts.Jti, cancellationToken) is { IssuedAt: { } issuedAt } token
            ? _revocations.CoveringIdentityToken(token.Tenant ?? facts.Tenant, user, issuedAt)
            : null;
    }

    // Everything in a recorded run rests on the identity presented when it started: a tenant or user revocation made after
    // that start covers the run's later tokens and credentials too, also one another node issued before it heard of the
    // revocation (whose own issue time is after it), so a renewal in that window cannot carry the run past the revocation.
    // A token's iat is whole seconds and the start precise: a start within the second after iat is that token's own
    // second (nothing of a run is issued before it starts), so the start counts, and a run started just after a kill
    // switch was lifted is not judged as older than the kill switch.
    private static DateTimeOffset Since(DateTimeOffset issuedAt, DateTimeOffset? runStartedAt) =>
        runStartedAt is { } started && started < issuedAt + WholeSecond ? started : issuedAt;

    private StandingRefusal? RunRefusal(RunRecord run, DateTimeOffset now)
    {
        if (run.EndedAt is not null)
        {
            return new StandingRefusal(Attestation.AttestChecks.RunEnded, $"run '{run.Id}' has ended; start a new run");
        }

        // Kill switch cascades down the tree: a sub-agent cannot keep working for a supervisor that was disabled.
        if (run.Actors.Select(_revocations.DisabledBy).FirstOrDefault(r => r is not null) is { } disabled)
        {
            return new StandingRefusal(Attestation.AttestChecks.ChainAgentDisabled,
                $"agent '{disabled.Value}' in this run's delegation chain is disabled (revocation {disabled.Id}); an operator re-enables it with 'mandate agents enable'", disabled);
        }

        return now >= run.ExpiresAt
            ? new StandingRefusal(Attestation.AttestChecks.RunExpired, $"run '{run.Id}' reached its maximum duration; start a new run")
            : null;
    }

    // A run's revocation cascades to its sub-agents' runs (a revoked run never gets another credential, so neither does
    // a run below it): also to one delegated while the revocation was being made.
    private StandingRefusal? AncestorRevoked(string subject, string runId, string lineage)
    {
        if (AncestorRevocation(runId, lineage) is not { } found)
        {
            return null;
        }

        return new StandingRefusal(Attestation.AttestChecks.RunRevoked,
            $"{subject} was revoked (run revocation {found.Revocation.Id} of its ancestor run '{found.Ancestor}')", found.Revocation);
    }

    private (string Ancestor, Revocation Revocation)? AncestorRevocation(string runId, string lineage)
    {
        foreach (var ancestor in lineage.Split('/'))
        {
            if (!string.Equals(ancestor, runId, StringComparison.Ordinal) && _revocations.ForRun(ancestor) is { } revocation)
            {
                return (ancestor, revocation);
            }
        }

        return null;
    }

    // A tenant or user revocation takes the user tokens issued up to it, so also a grant made with one: one made after the
    // revocation's time by a node that had not heard of it yet is covered once that node hears (invariant 6).
    private StandingRefusal? IdentityRevoked(GrantPrincipal principal, string subject)
    {
        if (principal is not { IdentityIssuedAt: { } issuedAt, User: { } user }
            || _revocations.CoveringIdentityToken(principal.Tenant, user, issuedAt) is not { } revocation)
        {
            return null;
        }

        return new StandingRefusal(Attestation.AttestChecks.For(revocation.Target),
            $"{subject} was revoked ({revocation.Target.ToString().ToLowerInvariant()} revocation {revocation.Id}): it rests on a user token issued at " +
            $"{issuedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, before the revocation at {revocation.RevokedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; the user must sign in again for a new token",
            revocation);
    }

    private StandingRefusal? Revoked(string subject, CredentialFacts facts) =>
        _revocations.Find(facts) is { } revocation
            ? new StandingRefusal(Attestation.AttestChecks.For(revocation.Target), $"{subject} was revoked ({revocation.Target.ToString().ToLowerInvariant()} revocation {revocation.Id})", revocation)
            : null;
}
