using System.Text;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
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
public sealed class OidcFederationCredentialKind : ICredentialKind
{
    private const int MaxSubjectLength = 255;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly FederationKeyRing _keys;
    private readonly MandateOptions _options;

    public OidcFederationCredentialKind(FederationKeyRing keys, MandateOptions options)
    {
        _keys = keys;
        _options = options;
    }

    public CredentialKind Kind => CredentialKind.OidcFederation;

    public string IssuedTokenType => CredentialTokenTypes.IdToken;

    public bool IssuableAfterApproval => false;

    public async ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tool = request.Tool;
        var federation = tool.OidcFederation ?? throw new InvalidOperationException($"tool '{tool.Name}' is not configured as kind oidc-federation");
        var claims = request.Claims;
        if (federation.Lifetime is { } cap && claims.IssuedAt + cap < claims.ExpiresAt)
        {
            claims = claims with { ExpiresAt = claims.IssuedAt + cap };
        }

        var issuer = FederationKeyRing.IssuerOf(_options);
        var subject = federation.RenderSubject(claims.Tenant, claims.Agent, claims.Run, tool.Name, request.User);
        if (subject.Length is 0 or > MaxSubjectLength || !Ascii.IsValid(subject))
        {
            // OIDC Core 1.0 §2: sub is REQUIRED and MUST NOT exceed 255 ASCII characters; cutting it would make two subjects one.
            return CredentialChecks.FederationSubjectInvalid.Refuse(
                $"tool '{tool.Name}' renders the ID token's sub from '{federation.Subject}' for this caller outside 1 to 255 ASCII characters, so no credential was issued; use a template whose values fit",
                $"rendered sub has {subject.Length} characters, ASCII: {Ascii.IsValid(subject)}");
        }

        if (request.User == OidcFederationToolOptions.NoUser && federation.NamesUser)
        {
            // OIDC Core 1.0 §2: a sub is never reassigned; this user's would be the sub of the tool's work without a user.
            return CredentialChecks.FederationSubjectInvalid.Refuse(
                $"tool '{tool.Name}' renders {{user}} as '{OidcFederationToolOptions.NoUser}' for work without a user, so the user '{OidcFederationToolOptions.NoUser}' would share that sub; no credential was issued (a sub is never reassigned)");
        }

        KeySet keys;
        try
        {
            keys = await _keys.GetAsync(cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            // Its own refusal, not the store outage of the record: no key, nothing was signed.
            return CredentialChecks.FederationKeyUnavailable.Refuse(
                "the federation signing key could not be loaded from the store, so no credential was issued; retry shortly", e.Message);
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            SigningCredentials = keys.Active.Credentials,
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
        return new MintedCredential
        {
            Value = token,
            IssuedTokenType = IssuedTokenType,
            TokenType = CredentialTokenTypes.NotApplicable,
            Claims = claims,
            Kid = keys.Active.Kid,
            Evidence = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["credential_kind"] = "oidc-federation",
                ["iss"] = issuer,
                ["aud"] = federation.Audience,
                ["sub"] = subject,
                ["alg"] = FederationKeyRing.Algorithm,
            },
        };
    }
}
