using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials.X509;
using Mandate.Core.Decisions;
using Mandate.Core.Issuance;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Resolution;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Grants;

/// <summary>
/// RFC 8693 token exchange for a tool credential (any <c>requested_token_type</c> but a run token):
/// parameters → Attest → Resolve → Load state → Decide (require_approval → approval request) → Issue.
/// The egress proxy's run-token mode calls it directly with the request it built.
/// </summary>
public sealed class ToolCredentialGrant : IGrantHandler
{
    private readonly AttestStage _attest;
    private readonly ResolveStage _resolve;
    private readonly LoadStateStage _state;
    private readonly DecideStage _decide;
    private readonly ApprovalRequests _approvals;
    private readonly IssueStage _issue;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public ToolCredentialGrant(AttestStage attest, ResolveStage resolve, LoadStateStage state, DecideStage decide, ApprovalRequests approvals, IssueStage issue, MandateOptions options, TimeProvider time)
    {
        _attest = attest;
        _resolve = resolve;
        _state = state;
        _decide = decide;
        _approvals = approvals;
        _issue = issue;
        _options = options;
        _time = time;
    }

    public bool Accepts(TokenRequest request) =>
        request?.GrantType == OAuthConstants.GrantTypes.TokenExchange && !ExchangeParameters.AsksForRunToken(request);

    public async ValueTask<Result<TokenResponse>> HandleAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ExchangeParameters.Check(request) is { } malformed)
        {
            return malformed;
        }

        var now = _time.GetUtcNow();
        if ((await _attest.ActorAsync(request, cancellationToken)).Failed(out var error, out var actor)
            || (await _attest.SubjectAsync(request, actor, cancellationToken)).Failed(out error, out var subject)
            || _resolve.Tool(request, actor, subject).Failed(out error, out var tool)
            || IssuesRequestedType(request, tool).Failed(out error, out _)
            || ResolveStage.Details(request, tool.Tool).Failed(out error, out var details)
            || (await _resolve.CredentialPlacementAsync(request, actor, subject, cancellationToken)).Failed(out error, out var placement))
        {
            return error;
        }

        var facts = new GrantFacts(now, Ids.New("dec"), actor, subject, request.Binding, placement);
        var rateInput = DecideStage.RateInput(facts, tool);
        var state = await _state.LoadAsync(details.EvidenceSubject, rateInput, DecideStage.ChainRateInputs(facts, rateInput), now, cancellationToken);
        if ((await _decide.CredentialAsync(facts, tool, details, state, cancellationToken)).Failed(out error, out var decided))
        {
            return error;
        }

        var decision = decided.Decision;
        if (decision.RequiresApproval && !_issue.IssuableAfterApproval(tool.Tool.Kind))
        {
            // The approval poll can only hand out a kind that is issued without the request's own parameters.
            return ApprovalRequests.KindNotIssuable(decision, tool.Tool);
        }

        if (Lifetimes.ForCredential(now, request.RequestedLifetime, _options, actor.Agent, decision.MaxLifetime, decision.RuleId, subject.Run).Failed(out error, out var lifetime))
        {
            return error;
        }

        // A caller-named run is checked again once the record is durable: another node may have given it to another principal.
        Func<CancellationToken, Task<OAuthError?>>? namedRunStillOurs = subject.Run is null && request.Run is { } named
            ? ct => _resolve.NamedRunTakenAsync(named, actor.SpiffeId, placement.Tenant, subject.User?.Subject, ct)
            : null;
        if (decision.RequiresApproval)
        {
            return await _approvals.RequestAsync(facts, tool, details, decided, lifetime, cancellationToken, namedRunStillOurs);
        }

        var claims = new CredentialClaims
        {
            Jti = Ids.New("jti"),
            Subject = facts.User ?? actor.SpiffeId,
            Audience = tool.Tool.Resource,
            Agent = actor.SpiffeId,
            Actors = placement.Actors,
            Scopes = decision.GrantedScopes,
            Tenant = placement.Tenant,
            Run = placement.Run,
            PolicyVersion = decision.PolicyVersion,
            DecisionId = facts.DecisionId,
            IssuedAt = now,
            ExpiresAt = now + lifetime,
            AuthorizationDetails = details.AuthorizationDetails,
            Confirmation = request.Binding.Confirmation,
        };
        var evidence = GrantAuditEvents.Evidence(facts);
        evidence["requested_scope"] = string.Join(' ', decided.Scopes);
        GrantAuditEvents.AddDelegators(evidence, decided);
        var issued = await _issue.CredentialAsync(new CredentialIssue(claims, tool.Tool, new IssuanceGrounds(evidence, tool.Tool.Name, facts.User, decision.RuleId, decision.Reason))
        {
            RateIncrements = DecideStage.RateIncrements(decided, rateInput, now),
            Csr = request[X509CredentialKind.CsrParameter],
            Rule = decision.RuleId,
            Recheck = namedRunStillOurs,
        }, cancellationToken);
        return AsRequested(request, issued);
    }

    /// <summary>
    /// RFC 8693 §2.1: requested_token_type names the type the caller wants. :access_token and :jwt ask for whatever the
    /// tool's kind issues (its issued_token_type says which); a kind's own type is served only by that kind.
    /// </summary>
    private Result<ResolvedTool> IssuesRequestedType(TokenRequest request, ResolvedTool tool) =>
        request.RequestedTokenType is { } requested and not (T.AccessToken or T.Jwt)
        && _issue.IssuedTokenType(tool.Tool.Kind) is { } issued && issued != requested
            ? RequestChecks.RequestedTokenTypeOfAnotherKind.Refuse($"tool '{tool.Tool.Name}' is issued as {issued}, not {requested}: ask for that type, or for urn:ietf:params:oauth:token-type:access_token")
            : tool;

    /// <summary>
    /// RFC 8693 §2.2.1: issued_token_type names the token's representation. An access token Mandate issues is a JWT
    /// (RFC 9068), so a caller that asked for <c>…:token-type:jwt</c> is told that is what it got.
    /// </summary>
    private static Result<TokenResponse> AsRequested(TokenRequest request, Result<TokenResponse> issued) =>
        request.RequestedTokenType == T.Jwt && !issued.Failed(out _, out var response) && response.IssuedTokenType == T.AccessToken
            ? response with { IssuedTokenType = T.Jwt }
            : issued;
}
