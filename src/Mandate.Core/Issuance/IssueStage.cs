using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;
using Mandate.Core.Storage;

namespace Mandate.Core.Issuance;

/// <summary>
/// The Issue stage, the one owner of invariant 2 (audit before credential): it mints through the tool's
/// credential kind (or signs the run token), commits THE issuance record with the rate counters, the kind's side
/// rows and (after an approval) the approval's consumption in one transaction, and only then releases the
/// credential. When the commit fails the credential never leaves: the kind's compensation runs and the request
/// fails closed.
/// </summary>
public sealed class IssueStage
{
    private readonly CredentialKinds _kinds;
    private readonly RunTokenMinter _runTokens;
    private readonly IUnitOfWork _trail;
    private readonly IApprovalStore _approvals;
    private readonly MandateOptions _options;

    public IssueStage(CredentialKinds kinds, RunTokenMinter runTokens, IUnitOfWork trail, IApprovalStore approvals, MandateOptions options)
    {
        _kinds = kinds;
        _runTokens = runTokens;
        _trail = trail;
        _approvals = approvals;
        _options = options;
    }

    /// <summary>The token type a tool of <paramref name="kind"/> is issued as; null when the broker has no issuer for it.</summary>
    public string? IssuedTokenType(CredentialKind kind) => _kinds.For(kind)?.IssuedTokenType;

    /// <summary>Whether a tool of <paramref name="kind"/> can be issued through an approval.</summary>
    public bool IssuableAfterApproval(CredentialKind kind) => _kinds.For(kind) is { IssuableAfterApproval: true };

    /// <summary>Mints, records, and only then releases one tool credential.</summary>
    public async Task<Result<TokenResponse>> CredentialAsync(CredentialIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (_kinds.For(issue.Tool.Kind) is not { } kind)
        {
            return IssueChecks.KindUnavailable.Refuse($"tool '{issue.Tool.Name}' takes credentials of kind {issue.Tool.Kind}, which this broker has no issuer for; an operator must register it");
        }

        var request = new CredentialRequest(issue.Claims, issue.Tool) { User = issue.Grounds.User, Csr = issue.Csr };
        var result = await kind.MintAsync(request, cancellationToken);
        if (result.Failed(out var refused, out var minted))
        {
            return refused;
        }

        var claims = minted.Claims ?? issue.Claims;
        var record = IssuanceRecord.Build(issue.Grounds, claims, issue.Tool.Kind, minted, _options);
        try
        {
            if (!await CommitAsync(issue, record, minted, claims.Jti, cancellationToken))
            {
                await CompensateAsync(minted);
                return ApprovalChecks.Consumed.Refuse($"approval '{issue.Consume?.Id}' was already used; approvals are single use");
            }
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
            return IssueChecks.NotRecorded.Refuse($"the audit store could not record decision {claims.DecisionId}, so no {IssuanceRecord.Noun(issue.Tool.Kind)} was issued; retry shortly");
        }

        if (await RecheckAsync(issue, minted, cancellationToken) is { } lost)
        {
            return lost;
        }

        var expiresIn = (int)Math.Max(0, (claims.ExpiresAt - claims.IssuedAt).TotalSeconds);
        return new TokenResponse(minted.Value, minted.IssuedTokenType, minted.TokenType, expiresIn, claims.Scope) { Rule = issue.Rule };
    }

    /// <summary>Signs the run token, records the run (started or delegated) or its renewal with the decisions, and only then releases it.</summary>
    public async Task<Result<TokenResponse>> RunTokenAsync(RunIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var (token, jti, kid) = _runTokens.Mint(issue.Run, issue.IssuedAt, issue.ExpiresAt, issue.Confirmation);
        try
        {
            var records = new StoreBatch([.. issue.Decisions, issue.Record(jti, kid)]);
            await _trail.CommitAsync(issue.IsNewRun ? records.Append(issue.Run) : records, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            return IssueChecks.NotRecorded.Refuse($"the store could not record run '{issue.Run.Id}', so no run token was issued; retry shortly");
        }

        // RFC 8693 §2.2.1: token_type N_A when the issued token is not an access token.
        return new TokenResponse(token, OAuthConstants.TokenTypes.TxnToken, "N_A", (int)(issue.ExpiresAt - issue.IssuedAt).TotalSeconds, issue.Run.Envelope.Scope);
    }

    private async Task<bool> CommitAsync(CredentialIssue issue, AuditEvent record, MintedCredential minted, string jti, CancellationToken cancellationToken)
    {
        if (issue.Consume is { } transition)
        {
            // Invariant 2 and single use together: the consume, the rate counters and the issuance record commit in one
            // transaction, so a second collection of the same approval counts nothing.
            return await _approvals.TryTransitionApprovalAsync(transition with { Jti = jti, RateIncrements = issue.RateIncrements }, [record], cancellationToken);
        }

        await _trail.CommitAsync(minted.SideRows.Append([.. issue.RateIncrements, record]), cancellationToken);
        return true;
    }

    /// <summary>
    /// Asks <see cref="CredentialIssue.Recheck"/> after the commit; when it refuses, the credential never leaves (its
    /// record stays, as for a reply lost on the way: recorded, never used). A store failure fails closed the same way.
    /// </summary>
    private static async Task<OAuthError?> RecheckAsync(CredentialIssue issue, MintedCredential minted, CancellationToken cancellationToken)
    {
        if (issue.Recheck is not { } recheck)
        {
            return null;
        }

        OAuthError? refused;
        try
        {
            refused = await recheck(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await CompensateAsync(minted);
            throw;
        }
        catch (StoreUnavailableException)
        {
            // Whose run it is cannot be read: fail closed, the credential never leaves.
            await CompensateAsync(minted);
            throw;
        }

        if (refused is not null)
        {
            await CompensateAsync(minted);
        }

        return refused;
    }

    private static async Task CompensateAsync(MintedCredential minted)
    {
        if (minted.Compensate is { } compensate)
        {
            // Not the request's token: the undo must run even when the caller has gone.
            await compensate(CancellationToken.None);
        }
    }
}
