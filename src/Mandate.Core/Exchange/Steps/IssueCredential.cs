using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Mints the credential, then makes the decision and issuance records durable, and only then hands the
/// token back. If the store cannot commit, the signed token is dropped and the request fails closed.
/// </summary>
public sealed class IssueCredential : IExchangeStep
{
    private readonly AccessTokenMinter _minter;
    private readonly IAuditTrail _trail;
    private readonly MandateOptions _options;

    public IssueCredential(AccessTokenMinter minter, IAuditTrail trail, MandateOptions options)
    {
        _minter = minter;
        _trail = trail;
        _options = options;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var decision = context.Decision!;
        var claims = new CredentialClaims
        {
            Jti = Ids.New("jti"),
            Subject = context.User?.Subject ?? context.Actor!.SpiffeId,
            Audience = context.Tool!.Resource,
            Agent = context.Actor!.SpiffeId,
            Scopes = decision.GrantedScopes,
            Tenant = context.Tenant!,
            Run = context.Run,
            PolicyVersion = decision.PolicyVersion,
            DecisionId = context.DecisionId,
            IssuedAt = context.Now,
            ExpiresAt = context.Now + Lifetime(context),
            AuthorizationDetails = context.AuthorizationDetails,
        };
        var (token, kid) = _minter.Mint(claims);
        try
        {
            // Invariant 2: audit before credential.
            await _trail.WriteAsync(new StoreBatch
            {
                AuditEvents =
                [
                    ExchangeAuditEvents.Decision(context, _options.Node),
                    ExchangeAuditEvents.Issuance(context, claims, kid, _options.Issuer, _options.Node),
                ],
                RateIncrements = context.RateIncrements(),
            }, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            context.Reject(OAuthError.TemporarilyUnavailable($"the audit store could not record decision {context.DecisionId}, so no credential was issued; retry shortly"));
            return;
        }

        context.Response = new TokenExchangeResponse(
            token,
            OAuthConstants.TokenTypes.AccessToken,
            "Bearer",
            (int)(claims.ExpiresAt - claims.IssuedAt).TotalSeconds,
            claims.Scope);
    }

    /// <summary>Invariant 4: the global cap bounds everything; the agent and the rule can only shorten.</summary>
    private TimeSpan Lifetime(ExchangeContext context)
    {
        var lifetime = _options.Lifetimes.Default;
        foreach (var cap in new[] { _options.Lifetimes.Max, context.Agent!.MaxLifetime, context.Decision!.MaxLifetime })
        {
            if (cap is { } c && c < lifetime)
            {
                lifetime = c;
            }
        }

        return lifetime;
    }
}
