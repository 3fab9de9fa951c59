using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Core.Introspection;

/// <summary>
/// Verifies that a token is one Mandate issued: our key, our issuer, <c>typ at+jwt</c>, all claims present. A credential
/// that verified before is served from <see cref="IssuedTokenCache"/> while its key is still in the ring and it has not
/// expired (agents present one credential on many proxied calls); callers still check revocation on every use.
/// </summary>
public sealed class IssuedTokenValidator
{
    // RFC 8725 §3.1: each key verifies the one algorithm it was made for, never one the token's header names.
    private static readonly string[] EcAlgorithms = [TokenSigningAlgorithms.ES256];
    private static readonly string[] RsaAlgorithms = [TokenSigningAlgorithms.RS256];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SigningKeyRing _keys;
    private readonly RsaTokenKeyRing? _rsaKeys;
    private readonly string _issuer;
    private readonly TimeProvider _time;
    private readonly IssuedTokenCache _verified;

    /// <param name="keys">The ES256 token keys.</param>
    /// <param name="options">The broker's configuration (its issuer).</param>
    /// <param name="time">The clock.</param>
    /// <param name="rsaKeys">The RS256 token keys; null when no tool asks for RS256.</param>
    public IssuedTokenValidator(SigningKeyRing keys, MandateOptions options, TimeProvider time, RsaTokenKeyRing? rsaKeys = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = keys;
        _rsaKeys = rsaKeys;
        _issuer = options.Issuer;
        _time = time;
        _verified = new IssuedTokenCache(time);
    }

    /// <summary>The verified token, or null with a reason (for the audit record, not for the token holder).</summary>
    public async Task<(IssuedToken? Token, string Reason)> ValidateAsync(string token, bool allowExpired)
    {
        var cacheKey = IssuedTokenCache.Key(token);
        if (_verified.Find(cacheKey, KnownKey) is { } remembered)
        {
            return (remembered, "");
        }

        if (!CompactJwt.TryRead(token, out var jwt))
        {
            return (null, "malformed");
        }

        var expectations = new IncomingJwtExpectations { IdentityClaims = [C.ClientId, C.Tenant, C.Run], Now = _time.GetUtcNow() };
        if (IncomingJwtRules.Check(jwt, expectations) is { } broken)
        {
            return (null, broken.Check);
        }

        // Another node's key may be seconds old: an unknown kid re-reads the keys (rate-limited) before refusing.
        if (await FindKeyAsync(jwt.Kid ?? "") is not { } key)
        {
            return (null, "unknown signing key");
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = _issuer,
            ValidateAudience = false,
            ValidAlgorithms = key.Kty == JsonWebAlgorithmsKeyTypes.RSA ? RsaAlgorithms : EcAlgorithms,
            ValidTypes = [OAuthConstants.JwtTypes.AccessToken],
            IssuerSigningKey = key,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            return (null, "signature or issuer invalid");
        }

        var issued = Read(jwt);
        if (issued is null)
        {
            return (null, "missing claims");
        }

        if (issued.ExpiresAt <= _time.GetUtcNow())
        {
            return allowExpired ? (issued, "") : (issued, "expired");
        }

        _verified.Add(cacheKey, issued, key);
        return (issued, "");
    }

    private JsonWebKey? KnownKey(string kid) =>
        _keys.Current.ByKid.GetValueOrDefault(kid) ?? _rsaKeys?.Current.ByKid.GetValueOrDefault(kid);

    /// <summary>The public key <paramref name="kid"/> names among the ES256 keys, then the RS256 keys (each re-read, rate-limited, when unknown).</summary>
    private async Task<JsonWebKey?> FindKeyAsync(string kid)
    {
        if (_rsaKeys is null)
        {
            return await _keys.FindPublicKeyAsync(kid, CancellationToken.None);
        }

        return KnownKey(kid)
            ?? await _keys.FindPublicKeyAsync(kid, CancellationToken.None)
            ?? await _rsaKeys.FindPublicKeyAsync(kid, CancellationToken.None);
    }

    private static IssuedToken? Read(JsonWebToken jwt)
    {
        string? S(string name) => jwt.TryGetPayloadValue<string>(name, out var v) ? v : null;
        long? N(string name) => jwt.TryGetPayloadValue<long>(name, out var v) ? v : null;
        var aud = jwt.Audiences.FirstOrDefault();
        if (S(C.JwtId) is not { } jti || S(C.ClientId) is not { } agent || S(C.Subject) is not { } sub || aud is null
            || S(C.Scope) is not { } scope || S(C.Tenant) is not { } tenant || S(C.Run) is not { } run
            || S(C.PolicyVersion) is not { } pol || S(C.DecisionId) is not { } dec || N(C.IssuedAt) is not { } iat || N(C.Expires) is not { } exp)
        {
            return null;
        }

        return new IssuedToken
        {
            Jti = jti,
            Agent = agent,
            Subject = sub,
            Audience = aud,
            Scope = scope,
            Tenant = tenant,
            Run = run,
            PolicyVersion = pol,
            DecisionId = dec,
            Kid = jwt.Kid,
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(iat),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(exp),
            Confirmation = Mandate.SenderConstraint.ConfirmationClaim.FromToken(jwt),
            Actors = jwt.TryGetPayloadValue<System.Text.Json.JsonElement>(C.Actor, out var act) ? Runs.ActorChain.FromClaim(act) : null,
        };
    }
}
