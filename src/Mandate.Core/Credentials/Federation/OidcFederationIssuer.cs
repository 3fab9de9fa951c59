using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Exchange;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using C = Mandate.Core.Protocol.OAuthConstants.Claims;

namespace Mandate.Core.Credentials.Federation;

/// <summary>
/// Kind <c>oidc-federation</c>: an OpenID Connect ID token (RS256, <c>typ JWT</c>) from Mandate's federation
/// issuer, with the tool's configured <c>aud</c> and <c>sub</c>, for a cloud's federation endpoint (AWS
/// AssumeRoleWithWebIdentity, GCP Workload Identity Federation, Azure federated credentials). The cloud
/// validates it with the published discovery document and JWKS.
/// </summary>
public sealed class OidcFederationIssuer : ICredentialIssuer
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly FederationKeys _keys;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;

    public OidcFederationIssuer(FederationKeys keys, IUnitOfWork trail, MandateOptions options)
    {
        _keys = keys;
        _trail = trail;
        _options = options;
    }

    public CredentialKind Kind => CredentialKind.OidcFederation;

    public async ValueTask IssueAsync(ExchangeContext context, CredentialClaims claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(claims);
        var tool = context.Tool!;
        var federation = tool.OidcFederation!;
        if (federation.Lifetime is { } cap && claims.IssuedAt + cap < claims.ExpiresAt)
        {
            claims = claims with { ExpiresAt = claims.IssuedAt + cap };
        }

        var issuer = FederationKeys.IssuerOf(_options);
        var subject = federation.RenderSubject(claims.Tenant, claims.Agent, claims.Run, tool.Name, context.User?.Subject);
        FederationKeySet keys;
        try
        {
            keys = await _keys.GetAsync(cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            context.Reject(OAuthError.TemporarilyUnavailable("the federation signing key could not be loaded from the store, so no credential was issued; retry shortly"));
            return;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            SigningCredentials = keys.Signing,
            Claims = new Dictionary<string, object>
            {
                [C.Issuer] = issuer,
                [C.Subject] = subject,
                [C.Audience] = federation.Audience,
                [C.Expires] = claims.ExpiresAt.ToUnixTimeSeconds(),
                [C.IssuedAt] = claims.IssuedAt.ToUnixTimeSeconds(),
                [C.NotBefore] = claims.IssuedAt.ToUnixTimeSeconds(),
                [C.JwtId] = claims.Jti,
                [C.Tenant] = claims.Tenant,
                [C.Run] = claims.Run,
                ["agent"] = claims.Agent,
                ["tool"] = tool.Name,
                [C.Scope] = claims.Scope,
                [C.PolicyVersion] = claims.PolicyVersion,
                [C.DecisionId] = claims.DecisionId,
            },
        });
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iss"] = issuer,
            ["aud"] = federation.Audience,
            ["sub"] = subject,
            ["alg"] = FederationKeys.Algorithm,
        };
        try
        {
            // Invariant 2: the ID token leaves only once its issuance record is durable.
            await _trail.CommitAsync(IssuanceRecords.Batch(context, claims, _options, "oidc-federation", keys.Signing.Key.KeyId, evidence), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            context.Reject(OAuthError.TemporarilyUnavailable($"the audit store could not record decision {context.DecisionId}, so no credential was issued; retry shortly"));
            return;
        }

        context.Response = new TokenExchangeResponse(
            token,
            CredentialTokenTypes.IdToken,
            CredentialTokenTypes.NotApplicable,
            (int)(claims.ExpiresAt - claims.IssuedAt).TotalSeconds,
            claims.Scope);
    }
}
