using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;

namespace Mandate.Core.Introspection;

/// <summary>
/// RFC 7009 revocation by the workloads involved: the agent the token was issued to, or a workload of
/// the tool it is addressed to. Unknown or invalid tokens are answered as success (§2.2).
/// </summary>
public sealed partial class TokenRevocationHandler
{
    private readonly IssuedTokenValidator _validator;
    private readonly RunTokenValidator _runTokens;
    private readonly RevocationService _revocations;
    private readonly RunService _runs;
    private readonly Registry _registry;
    private readonly IMandateStore _store;

    public TokenRevocationHandler(IssuedTokenValidator validator, RunTokenValidator runTokens, RevocationService revocations, RunService runs, Registry registry, IMandateStore store)
    {
        _store = store;
        _validator = validator;
        _runTokens = runTokens;
        _revocations = revocations;
        _runs = runs;
        _registry = registry;
    }

    public async Task<OAuthError?> RevokeAsync(WorkloadIdentity caller, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (IsRunToken(token))
        {
            return await EndRunAsync(caller, token, cancellationToken);
        }

        if (IsDatabaseLogin(token))
        {
            return await RevokeDatabaseLoginAsync(caller, token, cancellationToken);
        }

        var (issued, _) = await _validator.ValidateAsync(token, allowExpired: true);
        if (issued is null)
        {
            // RFC 7009 §2.2: an invalid token needs no revoking, and saying so would help probing.
            return null;
        }

        var tool = _registry.FindTool(issued.Audience);
        var mayRevoke = caller.SpiffeId == issued.Agent || (tool?.Workloads.Contains(caller.SpiffeId, StringComparer.Ordinal) ?? false);
        if (!mayRevoke)
        {
            // RFC 7009 §2.1: the server verifies the token was issued to the client making the request.
            return TokenRevocationChecks.NotHolder.Refuse("only the agent holding the credential or its tool may revoke it; operators use 'mandate revoke'");
        }

        await _revocations.RevokeAsync(RevocationTarget.Token, issued.Jti, caller.SpiffeId, "revoked via RFC 7009", issued.ExpiresAt, cancellationToken);
        return null;
    }

    /// <summary>Revoking a run token ends the run, its sub-agents' runs and every credential in them.</summary>
    private async Task<OAuthError?> EndRunAsync(WorkloadIdentity caller, string token, CancellationToken cancellationToken)
    {
        // An expired run token still ends its run: the run and its sub-agents' runs outlive any one run
        // token, so an agent that waited past its token's expiry must still be able to end what it started.
        if ((await _runTokens.CheckAsync(token, "token", allowExpired: true, cancellationToken)).Failed(out var invalid, out var presented))
        {
            // Already ended, past its maximum duration or not ours: nothing left to revoke (RFC 7009 §2.2). A standing.*
            // refusal comes only after the signature and the run record matched, so its act chain is the run's: a caller
            // outside it is refused as for an open run, and never learns whether the run still stands (RFC 7009 §2.1).
            var genuine = invalid.CheckId?.StartsWith(StandingChecks, StringComparison.Ordinal) ?? false;
            return genuine && !SignedActors(token).Contains(caller.SpiffeId, StringComparer.Ordinal) ? NotRunActor() : null;
        }

        if (!presented.Run.Actors.Contains(caller.SpiffeId, StringComparer.Ordinal))
        {
            return NotRunActor();
        }

        await _runs.EndAsync(presented.Run.Id, caller.SpiffeId, "ended by its agent", cancellationToken);
        return null;
    }

    /// <summary>The prefix of the checks that take away a genuine run token (<see cref="Attestation.AttestChecks"/>).</summary>
    private const string StandingChecks = "standing.";

    private static OAuthError NotRunActor() =>
        TokenRevocationChecks.NotRunActor.Refuse("only the run's agent or an agent above it in the delegation chain may end a run; operators use 'mandate runs end'");

    /// <summary>The run token's act chain; called only for a token whose signature verified.</summary>
    private static IReadOnlyList<string> SignedActors(string token) =>
        CompactJwt.TryRead(token, out var jwt) && jwt.TryGetPayloadValue<System.Text.Json.JsonElement>(OAuthConstants.Claims.Actor, out var act)
            ? ActorChain.FromClaim(act) ?? []
            : [];

    private static bool IsRunToken(string token) =>
        CompactJwt.TryRead(token, out var jwt) && jwt.Typ == OAuthConstants.JwtTypes.RunToken;
}
