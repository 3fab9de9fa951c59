using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Decisions;
using Mandate.Core.Issuance;
using Mandate.Core.Protocol;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;

namespace Mandate.Core.Grants;

/// <summary>
/// RFC 8693 token exchange for a run token (<c>requested_token_type=...:txn_token</c>): start a run, renew the
/// presented one, or delegate to a sub-agent. parameters → Attest → Resolve (tenant, run, envelope) → Load state
/// → Decide (every tool of the envelope) → Issue. A child's run and token never outlive the parent's.
/// </summary>
public sealed class RunTokenGrant : IGrantHandler
{
    private readonly AttestStage _attest;
    private readonly ResolveStage _resolve;
    private readonly LoadStateStage _state;
    private readonly DecideStage _decide;
    private readonly IssueStage _issue;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public RunTokenGrant(AttestStage attest, ResolveStage resolve, LoadStateStage state, DecideStage decide, IssueStage issue, MandateOptions options, TimeProvider time)
    {
        _attest = attest;
        _resolve = resolve;
        _state = state;
        _decide = decide;
        _issue = issue;
        _options = options;
        _time = time;
    }

    public bool Accepts(TokenRequest request) =>
        request?.GrantType == OAuthConstants.GrantTypes.TokenExchange && ExchangeParameters.AsksForRunToken(request);

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
            || ResolveStage.Details(request, tool: null).Failed(out error, out var details)
            || ResolveStage.RunPlacement(request, actor, subject).Failed(out error, out var placement))
        {
            return error;
        }

        var facts = new GrantFacts(now, Ids.New("dec"), actor, subject, request.Binding, placement);
        var state = await _state.LoadAsync(details.EvidenceSubject, rateInput: null, now, cancellationToken);
        if (_resolve.Envelope(request, actor, subject.Run?.Run, placement).Failed(out error, out var plan)
            || (await _decide.RunAsync(facts, plan.Envelope, details, state, cancellationToken)).Failed(out error, out var decisions))
        {
            return error;
        }

        // A child's envelope must stay within what every agent above it may still use: asked when it is handed on and
        // at every renewal of a sub-agent's run token. A root run has no one above it, so asks nothing.
        var top = plan.Mode switch
        {
            RunRequestMode.Delegate => subject.Run?.Run.Depth,
            RunRequestMode.Renew => subject.Run?.Run.Depth - 1,
            _ => null,
        };
        if (top >= 0 && subject.Run is { } presented
            && await _decide.DelegatorAsync(facts, presented.Run, top.Value, plan.Envelope, details, state, cancellationToken) is { } notAllowed)
        {
            return notAllowed;
        }

        var policyVersion = decisions.Count > 0 ? decisions[0].Decision.PolicyVersion : state.Policy.Version;
        var run = plan.Mode == RunRequestMode.Renew && subject.Run is { } renewed ? renewed.Run : NewRun(facts, plan, policyVersion);
        var parentExpiry = plan.Mode == RunRequestMode.Delegate ? subject.Run?.ExpiresAt : null;
        if (Lifetimes.ForRunToken(now, request.RequestedLifetime, _options, run, parentExpiry).Failed(out error, out var lifetime))
        {
            return error;
        }

        var expires = now + lifetime;
        return await _issue.RunTokenAsync(new RunIssue(run, plan.Mode != RunRequestMode.Renew, now, expires, request.Binding.Confirmation)
        {
            Decisions = decisions.Select(d => GrantAuditEvents.Decision(facts, d, _options.Node)).ToList(),
            Record = (jti, kid) => GrantAuditEvents.Run(facts, plan.Mode, policyVersion, run, jti, expires, kid, _options.Node),
        }, cancellationToken);
    }

    private RunRecord NewRun(GrantFacts facts, RunPlan plan, string policyVersion)
    {
        var parent = facts.Subject.Run?.Run;
        var id = facts.Placement.Run;
        var maxEnd = facts.Now + _options.Runs.MaxDuration;
        return new RunRecord
        {
            Id = id,
            ParentId = parent?.Id,
            Lineage = parent is null ? id : $"{parent.Lineage}/{id}",
            Depth = facts.Placement.DelegationDepth,
            MaxDepth = parent?.MaxDepth ?? facts.Actor.Agent.MaxDelegationDepth,
            Agent = facts.Actor.SpiffeId,
            Tenant = facts.Placement.Tenant,
            User = facts.User,
            UserIssuer = facts.Subject.User?.Issuer,
            Actors = facts.Placement.Actors,
            Envelope = plan.Envelope,
            StartedAt = facts.Now,
            ExpiresAt = parent is not null && parent.ExpiresAt < maxEnd ? parent.ExpiresAt : maxEnd,
            DecisionId = facts.DecisionId,
            PolicyVersion = policyVersion,
            Node = _options.Node,
        };
    }
}
