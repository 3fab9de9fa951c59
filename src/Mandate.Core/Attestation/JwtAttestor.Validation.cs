using Mandate.Core.Attestation.Profiles;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>The validation parameters, lifetime rule and remembered-key check behind <see cref="JwtAttestor"/>'s one validation path.</summary>
public sealed partial class JwtAttestor
{
    private TokenValidationParameters Parameters(TrustedIssuer issuer, IReadOnlyList<SecurityKey> keys, JsonWebToken jwt) => new()
    {
        ValidIssuer = issuer.Options.Issuer,
        ValidAudience = issuer.RequiredAudience,
        // RFC 7519 §4.1.3: audiences compare as exact strings; "https://mandate.example/" is another audience.
        IgnoreTrailingSlashWhenValidatingAudience = false,
        ValidAlgorithms = issuer.Options.Algorithms,
        IssuerSigningKeys = keys,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = false,
        ClockSkew = issuer.Options.ClockSkew,
        LifetimeValidator = (nbf, exp, _, p) => ValidLifetime(nbf, exp, p.ClockSkew),
        TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid),
    };

    /// <summary>
    /// The token's claims that become principals: the user's tenant claim and the claims a SPIFFE ID template is built
    /// from must be JSON strings of identity text, never converted (sub and jti always are).
    /// </summary>
    private IncomingJwtExpectations Expectations(TrustedIssuer issuer)
    {
        var claims = new List<string>();
        if (issuer.Options.Kind == IssuerKind.User)
        {
            claims.Add(issuer.Options.TenantClaim);
        }

        if (issuer.Options.SpiffeIdTemplate is { } text && SpiffeIdTemplate.TryParse(text, out var template, out _))
        {
            claims.AddRange(template!.Claims);
        }

        return new IncomingJwtExpectations { IdentityClaims = claims, Now = _time.GetUtcNow(), ClockSkew = issuer.Options.ClockSkew };
    }

    private bool ValidLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = _time.GetUtcNow().UtcDateTime;

        // IdentityModel passes DateTime.MinValue rather than null for an absent claim on some paths (e.g. unknown kid).
        if (expires is null || expires.Value == DateTime.MinValue)
        {
            throw new SecurityTokenNoExpirationException("no exp");
        }

        if (expires.Value.ToUniversalTime() <= now - skew)
        {
            throw new SecurityTokenExpiredException("expired") { Expires = expires.Value };
        }

        // Skew is added to now, not subtracted from nbf: DateTime.MinValue - skew would overflow.
        if (notBefore is not null && notBefore.Value != DateTime.MinValue && notBefore.Value.ToUniversalTime() > now + skew)
        {
            throw new SecurityTokenNotYetValidException("not yet valid") { NotBefore = notBefore.Value };
        }

        return true;
    }

    /// <summary>Whether the issuer still publishes <paramref name="remembered"/>: a key dropped from its JWKS vouches for nothing more.</summary>
    private static bool StillTrusted(SecurityKey remembered, IReadOnlyList<SecurityKey> keys)
    {
        foreach (var key in keys)
        {
            if (ReferenceEquals(key, remembered))
            {
                return true;
            }

            // A re-read JWKS holds new objects for the same keys.
            if (key.KeyId == remembered.KeyId && key.CanComputeJwkThumbprint() && remembered.CanComputeJwkThumbprint()
                && key.ComputeJwkThumbprint().AsSpan().SequenceEqual(remembered.ComputeJwkThumbprint()))
            {
                return true;
            }
        }

        return false;
    }
}
