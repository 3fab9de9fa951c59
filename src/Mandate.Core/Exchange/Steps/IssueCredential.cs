using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Mints the tool credential, then makes the decision and issuance records durable, and only then hands
/// the token back. If the store cannot commit, the signed token is dropped and the request fails closed.
/// </summary>
public sealed class IssueCredential : IExchangeStep
{
    private readonly AccessTokenMinter _minter;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly Credentials.CredentialIssuers _issuers;

    public IssueCredential(AccessTokenMinter minter, IUnitOfWork trail, MandateOptions options, Credentials.CredentialIssuers issuers)
    {
        _minter = minter;
        _trail = trail;
        _options = options;
        _issuers = issuers;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Kind != ExchangeKind.ToolCredential)
        {
            return;
        }

        var decision = context.Decisions[0].Decision;
        var lifetime = Lifetimes.ForCredential(context, _options, decision.MaxLifetime);
        if (lifetime.Error is not null)
        {
            context.Reject(lifetime.Error);
            return;
        }

        var claims = new CredentialClaims
        {
            Jti = Ids.New("jti"),
            Subject = context.User?.Subject ?? context.Actor!.SpiffeId,
            Audience = context.Tool!.Resource,
            Agent = context.Actor!.SpiffeId,
            Actors = context.Actors,
            Scopes = decision.GrantedScopes,
            Tenant = context.Tenant!,
            Run = context.Run,
            PolicyVersion = decision.PolicyVersion,
            DecisionId = context.DecisionId,
            IssuedAt = context.Now,
            ExpiresAt = context.Now + lifetime.Value,
            AuthorizationDetails = context.AuthorizationDetails,
            Confirmation = context.Request.Binding.Confirmation,
        };
        if (_issuers.For(context.Tool.Kind) is { } issuer)
        {
            // Other kinds (database logins, federation ID tokens, ...) mint and record through their own issuer.
            await issuer.IssueAsync(context, claims, cancellationToken);
            return;
        }

        // Invariant 2: audit before credential. The one record holds the decision and the credential's
        // metadata; signing overlaps the durable commit, but the token is returned only once it is durable.
        var key = _minter.ActiveKey;
        var durable = _trail.CommitAsync(new StoreBatch([ExchangeAuditEvents.Issuance(context, context.Decisions[0], claims, key.Kid, _options.Issuer, _options.Node), .. context.RateIncrements()]), cancellationToken);
        var (token, _) = _minter.Mint(claims, key);
        try
        {
            await durable;
        }
        catch (StoreUnavailableException)
        {
            context.Reject(OAuthError.TemporarilyUnavailable($"the audit store could not record decision {context.DecisionId}, so no credential was issued; retry shortly"));
            return;
        }

        context.Response = new TokenExchangeResponse(
            token,
            OAuthConstants.TokenTypes.AccessToken,
            context.Request.Binding.TokenType,
            (int)(claims.ExpiresAt - claims.IssuedAt).TotalSeconds,
            claims.Scope);
    }
}
