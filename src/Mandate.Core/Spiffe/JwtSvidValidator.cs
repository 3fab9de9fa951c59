using System.Text;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>
/// Validates a JWT-SVID of this trust domain on a workload's behalf (the Workload API's <c>ValidateJWTSVID</c>),
/// by the JWT-SVID spec: signed by a published JWT-SVID key of the subject's trust domain, <c>aud</c> holding the
/// validator's audience, <c>exp</c> in the future, <c>sub</c> a workload SPIFFE ID. Only this trust domain's bundle is
/// held here, so an SVID of any other domain is untrusted (Workload API §6.4: no bundle, no trust).
/// </summary>
public sealed class JwtSvidValidator
{
    // JWT-SVID §3: the signing key is an EC key here, so ES256 alone can verify.
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SpiffeAuthority _authority;
    private readonly TimeProvider _time;

    public JwtSvidValidator(SpiffeAuthority authority, TimeProvider time)
    {
        _authority = authority;
        _time = time;
    }

    /// <summary>The SVID's SPIFFE ID and its payload as JSON, or why it does not validate.</summary>
    public async Task<JwtSvidValidation> ValidateAsync(string svid, string audience)
    {
        ArgumentNullException.ThrowIfNull(svid);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        if (!_handler.CanReadToken(svid))
        {
            return JwtSvidValidation.Invalid("the SVID is not a JWS in compact serialization");
        }

        var jwt = new JsonWebToken(svid);
        if (IncomingJwtRules.Check(jwt) is { } violation)
        {
            return JwtSvidValidation.Invalid("the SVID " + violation.Problem);
        }

        if (!jwt.TryGetPayloadValue<string>("sub", out var subject) || !_authority.IsInTrustDomain(subject))
        {
            return JwtSvidValidation.Invalid($"sub must be a workload SPIFFE ID in trust domain '{_authority.TrustDomain}', the only bundle this endpoint holds");
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            // JWT-SVID §3 gives iss no meaning; the subject's trust domain chooses the keys.
            ValidateIssuer = false,
            ValidAudience = audience,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            IssuerSigningKeys = _authority.Current.JwtPublished,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            TypeValidator = (type, _, _) => string.IsNullOrEmpty(type) || JwtSvid.Types.Contains(type, StringComparer.Ordinal)
                ? type
                : throw new SecurityTokenInvalidTypeException($"typ must be JWT or JOSE, not '{type}'"),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e != DateTime.MinValue && e.ToUniversalTime() > _time.GetUtcNow().UtcDateTime,
        });
        return result.IsValid
            ? new JwtSvidValidation(subject, Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)), null)
            {
                Jti = jwt.TryGetPayloadValue<string>("jti", out var jti) ? jti : null,
                IssuedAt = jwt.TryGetPayloadValue<long>("iat", out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : null,
            }
            : JwtSvidValidation.Invalid(Describe(result.Exception));
    }

    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenInvalidAudienceException => "the SVID's aud does not hold the requested audience",
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNoExpirationException => "the SVID has expired or has no exp",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the SVID's signature does not verify with a JWT-SVID key of this trust domain",
        SecurityTokenInvalidAlgorithmException => "the SVID must be signed with ES256",
        SecurityTokenInvalidTypeException e => e.Message,
        _ => "the SVID does not validate",
    };
}

/// <summary>The outcome of <see cref="JwtSvidValidator.ValidateAsync"/>: the SPIFFE ID and payload, or the reason.</summary>
public sealed record JwtSvidValidation(string? SpiffeId, string? PayloadJson, string? Failure)
{
    /// <summary>The valid SVID's <c>jti</c>, if it has one: how its issuance and any refusal of it are found in the audit trail.</summary>
    public string? Jti { get; init; }

    /// <summary>The valid SVID's <c>iat</c>, if it has one: whether it was issued before a kill switch that has since been lifted.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    public static JwtSvidValidation Invalid(string failure) => new(null, null, failure);
}
