using System.Text.Json;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Core.Runs;

/// <summary>
/// Verifies a presented run token: Mandate's signature and issuer, <c>typ txntoken+jwt</c>, this trust
/// domain as audience, not expired; then that its run exists, is open, is not revoked, and that every
/// claim (agent, tenant, user, depth, actor chain, max_depth, tools) matches the stored run. A chain is trusted only as
/// Mandate signed and recorded it, so forged or spliced chains fail here.
/// </summary>
public sealed class RunTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SigningKeyRing _keys;
    private readonly IMandateStore _store;
    private readonly PrincipalStanding _standing;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public RunTokenValidator(SigningKeyRing keys, IMandateStore store, PrincipalStanding standing, MandateOptions options, TimeProvider time)
    {
        _keys = keys;
        _store = store;
        _standing = standing;
        _options = options;
        _time = time;
    }

    /// <summary>The verified run token, or a client-safe reason it is not acceptable.</summary>
    public Task<(PresentedRunToken? Token, string? Failure)> ValidateAsync(string token, string parameter, CancellationToken cancellationToken) =>
        ValidateAsync(token, parameter, allowExpired: false, cancellationToken);

    /// <summary>
    /// As <see cref="ValidateAsync(string, string, CancellationToken)"/>; with <paramref name="allowExpired"/> an
    /// expired run token of an open run is accepted, which only ending the run may do.
    /// </summary>
    public async Task<(PresentedRunToken? Token, string? Failure)> ValidateAsync(string token, string parameter, bool allowExpired, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(token, parameter, allowExpired, cancellationToken);
        return result.Failed(out var error, out var presented) ? (null, error.Description) : (presented, null);
    }

    /// <summary>
    /// The verified run token, or the refusal with its check: <c>attest.subject_token</c> for a token that is not a
    /// valid run token of this broker, a <c>standing.*</c> check when its run or a revocation takes it away.
    /// </summary>
    public async Task<Result<PresentedRunToken>> CheckAsync(string token, string parameter, bool allowExpired, CancellationToken cancellationToken)
    {
        if (!CompactJwt.TryRead(token, out var jwt))
        {
            return Bad(CompactJwt.BrokenRule(token) is { } unreadable ? $"{parameter} {unreadable.Problem}" : $"{parameter} is not a well-formed run token");
        }

        // The run id becomes the run every later credential names: a JSON string of identity text, never converted.
        var expectations = new IncomingJwtExpectations { IdentityClaims = [C.Transaction], Now = _time.GetUtcNow() };
        if (IncomingJwtRules.Check(jwt, expectations) is { } broken)
        {
            return Bad($"{parameter} {broken.Problem}");
        }

        // Another node's key may be seconds old: an unknown kid re-reads the keys (rate-limited) before refusing.
        if (await _keys.FindPublicKeyAsync(jwt.Kid ?? "", cancellationToken) is not { } key)
        {
            return Bad($"{parameter} is not signed by this broker's keys; run tokens come only from Mandate");
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidateAudience = false,
            ValidAlgorithms = ["ES256"],
            ValidTypes = [OAuthConstants.JwtTypes.RunToken],
            IssuerSigningKey = key,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            return Bad($"{parameter} is not a valid run token (signature, issuer or typ)");
        }

        if (!jwt.Audiences.Contains(RunTokenMinter.AudienceFor(_options.TrustDomain), StringComparer.Ordinal))
        {
            return Bad($"{parameter} was issued for another trust domain; run tokens are valid only in '{_options.TrustDomain}'");
        }

        var now = _time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(jwt.TryGetPayloadValue<long>(C.Expires, out var exp) ? exp : 0);
        if (expires <= now && !allowExpired)
        {
            return Bad($"{parameter} has expired; renew it while the run is open");
        }

        if (!jwt.TryGetPayloadValue<string>(C.Transaction, out var runId) || runId is null)
        {
            return Bad($"{parameter} names no run");
        }

        var run = await _store.GetRunAsync(runId, cancellationToken);
        if (run is null || !MatchesRecord(jwt, run))
        {
            return Bad($"{parameter} does not match any run this broker recorded; its delegation chain cannot be trusted");
        }

        // Defence in depth: the stored run's max_depth and envelope are the ones used, so a broker-signed token that says
        // otherwise was never minted for this record; refuse it rather than let a later reader trust the token's copy.
        if (DifferingLimit(jwt, run) is { } claim)
        {
            return AttestChecks.RunTokenDiffers.Refuse(
                $"the {claim} claim of {parameter} differs from run '{run.Id}' as this broker recorded it; present the run token the broker issued for this run");
        }

        // The run, its delegation chain and every revocation since this token was issued: the check every grant shares.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(jwt.TryGetPayloadValue<long>(C.IssuedAt, out var iat) ? iat : 0);
        if (_standing.Check(run, jwt.Id, issuedAt, parameter, now) is { } refusal)
        {
            return refusal.Check.Refuse(refusal.Description);
        }

        // A cnf this broker cannot read may have meant a binding: refuse rather than treat the token as bearer (RFC 7800 §3.1).
        var confirmation = Mandate.SenderConstraint.ConfirmationClaim.FromToken(jwt);
        if (confirmation is null && jwt.TryGetClaim(Mandate.SenderConstraint.ConfirmationNames.Cnf, out _))
        {
            return Bad($"{parameter}'s cnf claim binds nothing this broker can check");
        }

        return new PresentedRunToken(run, jwt.Id, issuedAt, expires, confirmation);
    }

    private static OAuthError Bad(string failure) => AttestChecks.SubjectToken.Refuse(failure);

    // Which of azd.max_depth and azd.tools (tool → scopes, compared as sets) does not match the stored run, or null.
    private static string? DifferingLimit(JsonWebToken jwt, RunRecord run)
    {
        var azd = jwt.GetPayloadValue<JsonElement>(C.AuthorizationContext);
        if (!azd.TryGetProperty("max_depth", out var maxDepth) || !maxDepth.TryGetInt32(out var claimed) || claimed != run.MaxDepth)
        {
            return "max_depth";
        }

        if (!azd.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Object
            || tools.EnumerateObject().Count() != run.Envelope.Tools.Count())
        {
            return "tools";
        }

        foreach (var tool in tools.EnumerateObject())
        {
            if (tool.Value.ValueKind != JsonValueKind.Array || tool.Value.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String)
                || !run.Envelope.ScopesOf(tool.Name).ToHashSet(StringComparer.Ordinal).SetEquals(tool.Value.EnumerateArray().Select(s => s.GetString()!))
                || !run.Envelope.Tools.Contains(tool.Name, StringComparer.Ordinal))
            {
                return "tools";
            }
        }

        return null;
    }

    private static bool MatchesRecord(JsonWebToken jwt, RunRecord run)
    {
        if (!jwt.TryGetPayloadValue<JsonElement>(C.AuthorizationContext, out var azd) || azd.ValueKind != JsonValueKind.Object
            || !jwt.TryGetPayloadValue<JsonElement>(C.RequesterContext, out var rctx) || rctx.ValueKind != JsonValueKind.Object
            || !jwt.TryGetPayloadValue<JsonElement>(C.Actor, out var act))
        {
            return false;
        }

        var actors = ActorChain.FromClaim(act);
        return actors is not null
            && actors.SequenceEqual(run.Actors, StringComparer.Ordinal)
            && Str(rctx, "req_wl") == run.Agent
            && Str(azd, "tenant") == run.Tenant
            && Str(azd, "user") == run.User
            && Str(azd, "parent_run") == run.ParentId
            && azd.TryGetProperty("depth", out var depth) && depth.ValueKind == JsonValueKind.Number && depth.GetInt32() == run.Depth
            && jwt.Subject == (run.User ?? run.Agent);
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
