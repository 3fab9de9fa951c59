using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Credentials.X509;
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
    private readonly IAuditTrail _trail;
    private readonly MandateOptions _options;
    private readonly CredentialKinds _kinds;

    public IssueCredential(AccessTokenMinter minter, IAuditTrail trail, MandateOptions options, CredentialKinds kinds)
    {
        _minter = minter;
        _trail = trail;
        _options = options;
        _kinds = kinds;
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
        if (_kinds.For(context.Tool.Kind) is { } kind)
        {
            // Other kinds (database logins, federation ID tokens, certificates) mint; the record is written here.
            await IssueOtherKindAsync(context, kind, claims, cancellationToken);
            return;
        }

        // Invariant 2: audit before credential. The one record holds the decision and the credential's
        // metadata; signing overlaps the durable commit, but the token is returned only once it is durable.
        var key = _minter.ActiveKey;
        var durable = _trail.WriteAsync(new StoreBatch
        {
            AuditEvents = [ExchangeAuditEvents.Issuance(context, context.Decisions[0], claims, key.Kid, _options.Issuer, _options.Node)],
            RateIncrements = context.RateIncrements(),
        }, cancellationToken);
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

    private async Task IssueOtherKindAsync(ExchangeContext context, ICredentialKind kind, CredentialClaims claims, CancellationToken cancellationToken)
    {
        var request = new CredentialRequest(claims, context.Tool!) { User = context.User?.Subject, Csr = context.Request[X509CredentialKind.CsrParameter] };
        if ((await kind.MintAsync(request, cancellationToken)).Failed(out var error, out var minted))
        {
            context.Reject(error, error.Detail);
            return;
        }

        claims = minted.Claims ?? claims;
        var name = minted.Evidence.GetValueOrDefault("credential_kind", "jwt");
        var batch = IssuanceRecords.Batch(context, claims, _options, name, minted.Kid, minted.Evidence);
        try
        {
            // Invariant 2: the credential leaves only once its issuance record (and side rows) are durable.
            await _trail.WriteAsync(StoreBatch.Combine([batch, minted.SideRows]), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller left: whether or not the batch still commits, the credential exists nowhere else now.
            await CompensateAsync(minted);
            throw;
        }
        catch (StoreUnavailableException)
        {
            await CompensateAsync(minted);
            var what = kind.Kind == CredentialKind.X509 ? "certificate" : "credential";
            context.Reject(OAuthError.TemporarilyUnavailable($"the audit store could not record decision {context.DecisionId}, so no {what} was issued; retry shortly"));
            return;
        }

        context.Response = new TokenExchangeResponse(
            minted.Value, minted.IssuedTokenType, minted.TokenType, (int)Math.Max(0, (claims.ExpiresAt - claims.IssuedAt).TotalSeconds), claims.Scope);
    }

    private static async Task CompensateAsync(MintedCredential minted)
    {
        if (minted.Compensate is { } compensate)
        {
            await compensate(CancellationToken.None);
        }
    }
}
