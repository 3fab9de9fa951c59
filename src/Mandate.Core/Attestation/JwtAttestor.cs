using Mandate.Core.Attestation.Profiles;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// Validates identity JWTs from trusted issuers per RFC 8725: the issuer is looked up by exact
/// <c>iss</c>; algorithms, audience and keys come from configuration; <c>typ</c> and <c>exp</c> are
/// checked with a small leeway; keys offered in the header are never used. Every token first meets
/// <see cref="IncomingJwtRules"/> (crit, claim types, identity text, iat not in the future).
/// </summary>
public sealed partial class JwtAttestor
{
    /// <summary>Longest identity token accepted, in characters; anything bigger is refused unparsed.</summary>
    public const int MaxTokenLength = CompactJwt.MaxLength;

    private static readonly string[] HeaderKeyParameters = ["jwk", "jku", "x5u", "x5c"];
    private readonly Dictionary<string, TrustedIssuer> _byIssuer;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;
    private readonly ValidatedTokenCache _cache;
    private readonly string? _broker;

    /// <param name="issuers">The trusted issuers, keyed by exact <c>iss</c>.</param>
    /// <param name="time">The broker's clock; lifetimes and remembered tokens are judged by it.</param>
    /// <param name="cache">Tokens whose signature already verified; none remembered when null.</param>
    /// <param name="brokerIssuer">Mandate's own <c>iss</c>, to tell a caller that sent one of its tokens what to send instead.</param>
    public JwtAttestor(IEnumerable<TrustedIssuer> issuers, TimeProvider time, ValidatedTokenCache? cache = null, string? brokerIssuer = null)
    {
        _byIssuer = issuers.ToDictionary(i => i.Options.Issuer, StringComparer.Ordinal);
        _time = time;
        _cache = cache ?? ValidatedTokenCache.Disabled;
        _broker = brokerIssuer;
    }

    public Task<AttestationResult<WorkloadIdentity>> AttestWorkloadAsync(string token, string parameter, CancellationToken cancellationToken) =>
        AttestAsync(token, IssuerKind.Workload, parameter, (jwt, hash) => AttestWorkloadAsync(jwt, hash, parameter, cancellationToken), cancellationToken);

    public Task<AttestationResult<UserIdentity>> AttestUserAsync(string token, string parameter, CancellationToken cancellationToken) =>
        AttestAsync(token, IssuerKind.User, parameter, (jwt, hash) => AttestUserAsync(jwt, hash, parameter, cancellationToken), cancellationToken);

    /// <summary>
    /// Attests a subject token that may be a workload's own identity (background work) or a user's token,
    /// told apart by the kind of its (trusted) issuer; the token is parsed once.
    /// </summary>
    public async Task<(AttestationResult<WorkloadIdentity>? Workload, AttestationResult<UserIdentity>? User)> AttestSubjectAsync(string token, string parameter, CancellationToken cancellationToken)
    {
        var hash = RememberedHash(token);
        if (await RememberedAsync<UserIdentity>(hash, IssuerKind.User, cancellationToken) is { } user)
        {
            return (null, new AttestationResult<UserIdentity> { Identity = user });
        }

        if (await RememberedAsync<WorkloadIdentity>(hash, IssuerKind.Workload, cancellationToken) is { } workload)
        {
            return (new AttestationResult<WorkloadIdentity> { Identity = workload }, null);
        }

        if (!CompactJwt.TryRead(token, out var jwt))
        {
            return (null, Unreadable<UserIdentity>(token, parameter));
        }

        var isWorkload = jwt.TryGetPayloadValue<string>("iss", out var iss) && iss is not null
            && _byIssuer.TryGetValue(iss, out var issuer) && issuer.Options.Kind == IssuerKind.Workload;
        return isWorkload
            ? (await AttestWorkloadAsync(jwt, hash, parameter, cancellationToken), null)
            : (null, await AttestUserAsync(jwt, hash, parameter, cancellationToken));
    }

    private async Task<AttestationResult<WorkloadIdentity>> AttestWorkloadAsync(JsonWebToken token, string? hash, string parameter, CancellationToken cancellationToken)
    {
        var (jwt, issuer, failure) = await ValidateAsync(token, hash, IssuerKind.Workload, parameter, cancellationToken);
        if (failure is not null)
        {
            return new AttestationResult<WorkloadIdentity> { Failure = failure.Value.Failure, Detail = failure.Value.Detail };
        }

        var result = MapWorkload(jwt!, issuer!, issuer!.Options.Profile ?? IssuerProfile.JwtSvid, parameter);
        if (result.Identity is { } identity)
        {
            Remember(hash, IssuerKind.Workload, jwt!, issuer, identity);
        }

        return result;
    }

    private async Task<AttestationResult<UserIdentity>> AttestUserAsync(JsonWebToken token, string? hash, string parameter, CancellationToken cancellationToken)
    {
        var (jwt, issuer, failure) = await ValidateAsync(token, hash, IssuerKind.User, parameter, cancellationToken);
        if (failure is not null)
        {
            return new AttestationResult<UserIdentity> { Failure = failure.Value.Failure, Detail = failure.Value.Detail };
        }

        if (!jwt!.TryGetPayloadValue<string>("sub", out var sub) || string.IsNullOrEmpty(sub))
        {
            return new AttestationResult<UserIdentity> { Failure = $"{parameter} has no 'sub' claim; user tokens must name the user" };
        }

        var claim = issuer!.Options.TenantClaim;
        if (!jwt.TryGetPayloadValue<string>(claim, out var tenant) || string.IsNullOrEmpty(tenant))
        {
            return new AttestationResult<UserIdentity> { Failure = $"{parameter} has no '{claim}' claim (a string): the user's tenant must come from their token (trusted issuer '{issuer.Options.Name}', tenant_claim)" };
        }

        if (issuer.Options.Tenants.Count > 0 && !issuer.Options.Tenants.Contains(tenant, StringComparer.Ordinal))
        {
            return new AttestationResult<UserIdentity> { Failure = $"{parameter} names a tenant issuer '{issuer.Options.Name}' may not speak for (issuers[].tenants)" };
        }

        string? mayAct = null;
        // Presence first: reading a string or number as a JsonElement fails, and a may_act that cannot be
        // read must refuse the token, not be ignored (that would let any workload act for the user).
        if (jwt.TryGetClaim(OAuthConstants.Claims.MayAct, out _))
        {
            if (!jwt.TryGetPayloadValue<System.Text.Json.JsonElement>(OAuthConstants.Claims.MayAct, out var mayActClaim)
                || mayActClaim.ValueKind != System.Text.Json.JsonValueKind.Object || !mayActClaim.TryGetProperty("sub", out var mayActSub)
                || mayActSub.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                return new AttestationResult<UserIdentity> { Failure = $"{parameter} has a 'may_act' claim that is not an object with a 'sub' (RFC 8693 §4.4)" };
            }

            mayAct = mayActSub.GetString();
            if (!IdentityText.IsAllowed(mayAct))
            {
                return new AttestationResult<UserIdentity> { Failure = $"{parameter} has a 'may_act' sub Mandate does not accept as an identity value; it must be {IdentityText.Rule}" };
            }
        }

        var user = new UserIdentity(issuer.Options.Issuer, sub, tenant, Evidence(jwt, issuer)) { MayAct = mayAct, Claims = UserClaims.From(jwt), IssuedAt = IssuedAt(jwt) };
        Remember(hash, IssuerKind.User, jwt, issuer, user);
        return new AttestationResult<UserIdentity> { Identity = user };
    }

    /// <summary>True when <paramref name="token"/> claims to come from an issuer configured as <paramref name="kind"/> (signature not checked).</summary>
    public bool ClaimsIssuerOfKind(string token, IssuerKind kind) =>
        CompactJwt.TryRead(token, out var jwt) && jwt.TryGetPayloadValue<string>("iss", out var iss) && iss is not null
        && _byIssuer.TryGetValue(iss, out var issuer) && issuer.Options.Kind == kind;

    // JsonWebToken reads a missing iat as DateTime.MinValue; the JOSE rules already refused one that is not a number.
    private static DateTimeOffset? IssuedAt(JsonWebToken jwt) =>
        jwt.IssuedAt == DateTime.MinValue ? null : new DateTimeOffset(DateTime.SpecifyKind(jwt.IssuedAt, DateTimeKind.Utc));

    private static AttestationResult<T> Unreadable<T>(string token, string parameter)
        where T : class =>
        CompactJwt.BrokenRule(token) is { } broken
            ? new() { Failure = $"{parameter} {broken.Problem}", Detail = broken.Check }
            : new() { Failure = Malformed(parameter) };

    private static string Malformed(string parameter) => $"{parameter} is not a well-formed signed JWT (compact JWS, at most {MaxTokenLength} characters)";

    private async Task<(JsonWebToken? Jwt, TrustedIssuer? Issuer, (string Failure, string? Detail)? Error)> ValidateAsync(
        JsonWebToken jwt, string? hash, IssuerKind kind, string parameter, CancellationToken cancellationToken)
    {
        foreach (var header in HeaderKeyParameters)
        {
            // RFC 8725 §3.10 / §2.4: keys named in the token cannot vouch for the token.
            if (jwt.TryGetHeaderValue<object>(header, out _))
            {
                return (null, null, ($"{parameter} carries a '{header}' header; keys supplied by a token are never trusted, Mandate uses the issuer's configured JWKS", null));
            }
        }

        if (!jwt.TryGetPayloadValue<string>("iss", out var iss) || iss is null || !_byIssuer.TryGetValue(iss, out var issuer))
        {
            if (iss is not null && iss == _broker)
            {
                // Trusting Mandate as an issuer would turn its tool credentials into identities: say what to send instead.
                return (null, null, ($"{parameter} was issued by this broker: send a run token as subject_token with subject_token_type=urn:ietf:params:oauth:token-type:txn_token; credentials for tools are never subject or actor tokens", null));
            }

            return (null, null, ($"{parameter} comes from an issuer that is not trusted; add it under issuers in the broker configuration", null));
        }

        if (issuer.Options.Kind != kind)
        {
            var expected = kind.ToString().ToLowerInvariant();
            return (null, null, ($"{parameter} comes from issuer '{issuer.Options.Name}', which is trusted for {issuer.Options.Kind.ToString().ToLowerInvariant()} identities, not {expected} identities", null));
        }

        if (IncomingJwtRules.Check(jwt, Expectations(issuer)) is { } broken)
        {
            return (null, null, ($"{parameter} {broken.Problem}", broken.Check));
        }

        if (!issuer.Options.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            // RFC 8725 §3.1: the algorithm comes from configuration, never from the token ("none", HS256 with a public key, ...).
            return (null, null, ($"{parameter} is signed with an algorithm issuer '{issuer.Options.Name}' is not allowed to use (allowed: {string.Join(", ", issuer.Options.Algorithms)})", null));
        }

        var typ = jwt.Typ;
        var typeOk = string.IsNullOrEmpty(typ) ? issuer.Options.AllowMissingType : issuer.Options.Types.Contains(typ, StringComparer.OrdinalIgnoreCase);
        if (!typeOk)
        {
            // RFC 8725 §3.11: explicit typing keeps one kind of JWT from being used as another.
            return (null, null, ($"{parameter} has a JOSE 'typ' issuer '{issuer.Options.Name}' does not accept (accepted: {string.Join(", ", issuer.Options.Types)})", null));
        }

        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = await issuer.Keys.GetKeysAsync(jwt.Kid, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return (null, null, ($"the keys of issuer '{issuer.Options.Name}' cannot be read; an operator must fix its JWKS", e.Message));
        }

        var cacheKey = hash is null ? null : ValidatedTokenCache.Key(hash, kind);
        SecurityKey? verifiedNow = null;
        if (cacheKey is not null && _cache.Find(cacheKey, issuer) is { } remembered && StillTrusted(remembered, keys))
        {
            // The signature verified earlier under a key the issuer still publishes; the lifetime is judged now, by the
            // same rule and with the same answer as a fresh validation.
            try
            {
                ValidLifetime(jwt.ValidFrom, jwt.ValidTo, issuer.Options.ClockSkew);
            }
            catch (SecurityTokenException e)
            {
                return (null, null, (Describe(e, parameter, issuer), e.Message));
            }
        }
        else
        {
            var result = await _handler.ValidateTokenAsync(jwt, Parameters(issuer, keys, jwt));
            if (!result.IsValid)
            {
                return (null, null, (Describe(result.Exception, parameter, issuer), result.Exception?.Message));
            }

            verifiedNow = (result.SecurityToken as JsonWebToken ?? jwt).SigningKey;
        }

        if (Profiles.RequiredClaimsCheck.Check(jwt, issuer, parameter) is { } unmet)
        {
            return (null, null, (unmet, null));
        }

        // Only a token that passed every check is remembered, so a failure can never be served from the cache.
        if (cacheKey is not null && verifiedNow is not null)
        {
            _cache.Add(cacheKey, issuer, verifiedNow, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        }

        return (jwt, issuer, null);
    }

    private static string Describe(Exception? e, string parameter, TrustedIssuer issuer) => e switch
    {
        SecurityTokenExpiredException => $"{parameter} has expired; obtain a fresh token from issuer '{issuer.Options.Name}'",
        SecurityTokenNotYetValidException => $"{parameter} is not yet valid (nbf is in the future); check the issuer's clock",
        SecurityTokenNoExpirationException => $"{parameter} has no 'exp'; identity tokens must expire",
        SecurityTokenInvalidAudienceException => $"{parameter} is not addressed to Mandate; its 'aud' must be '{issuer.RequiredAudience}'",
        SecurityTokenInvalidIssuerException => $"{parameter} 'iss' does not match issuer '{issuer.Options.Name}' exactly",
        SecurityTokenInvalidAlgorithmException => $"{parameter} uses an algorithm issuer '{issuer.Options.Name}' is not allowed to use",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            $"{parameter} signature does not verify with the keys of issuer '{issuer.Options.Name}'",
        _ => $"{parameter} failed validation for issuer '{issuer.Options.Name}'",
    };

    private AttestationEvidence Evidence(JsonWebToken jwt, TrustedIssuer issuer, string? profile = null) =>
        new(issuer.Options.Name, issuer.Options.Issuer, string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, jwt.Alg, jwt.ValidTo == DateTime.MinValue ? _time.GetUtcNow() : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), string.IsNullOrEmpty(jwt.Id) ? null : jwt.Id)
        {
            Profile = profile,
        };
}
