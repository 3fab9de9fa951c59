using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Core.RateLimits;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

public sealed partial class DecideStage
{
    /// <summary>
    /// Delegation and a sub-agent's renewal (invariant 3): the agents of <paramref name="run"/>'s chain from depth
    /// <paramref name="top"/> up to the root (the delegating agent and every agent above it) must still be allowed every
    /// tool and scope of the envelope, each decided as for its own run (its agent, run and depth) against the same
    /// snapshot. A run's envelope is fixed when it starts, so without this a sub-agent could be handed, or keep renewing,
    /// a scope that a later deny rule or a narrowed rule took from an agent above it.
    /// </summary>
    public async Task<OAuthError?> DelegatorAsync(GrantFacts facts, RunRecord run, int top, RunEnvelope envelope, RequestDetails details, PolicyState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(envelope);
        if (DelegationChain.From(run, top) is not { } chain)
        {
            return DecideChecks.DelegatorNotAllowed.Refuse(DelegationChain.Damaged(run));
        }

        foreach (var (agent, at) in chain)
        {
            foreach (var tool in envelope.Tools)
            {
                var decided = Decide(facts with { Placement = at }, tool, envelope.ScopesOf(tool).ToList(), details, state, null, agent);
                if (!decided.Decision.IsAllowed)
                {
                    var refusal = await RefuseAsync(facts, decided, cancellationToken, agent);
                    return DecideChecks.DelegatorNotAllowed.Refuse(
                        $"the delegating agent '{agent}' of run '{at.Run}' may no longer use {tool}/{string.Join(' ', decided.Scopes)} itself, so it cannot hand it on: {refusal.Description}");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Invariant 3 per credential: inside a child run, every agent up the delegation chain must be allowed the same
    /// request (tool, scopes, authorization_details, evidence, sender binding) in its own run and at its own depth, since
    /// a delegate never holds more than its delegator. The strictest outcome wins: any refusal refuses, a require_approval
    /// makes the request wait for a human, and the scopes and the rule lifetime are the narrowest any of them grants.
    /// </summary>
    private async Task<Result<ToolDecision>> WithinDelegatorsAsync(GrantFacts facts, ToolDecision own, RunRecord run, RequestDetails details, PolicyState state, CancellationToken cancellationToken)
    {
        if (DelegationChain.From(run, run.Depth - 1) is not { } chain)
        {
            return DecideChecks.DelegatorNotAllowed.Refuse(DelegationChain.Damaged(run));
        }

        var decision = own.Decision;
        string? approvalBy = null;
        var delegators = new List<string>(run.Depth);
        var increments = new List<RateIncrement>();
        var rateInput = RateInput(facts, own.Tool, own.Scopes);
        foreach (var (agent, at) in chain)
        {
            // Each delegator's rule reads (rate_limit and rate in when:) its own counters, as for a request of its own.
            var counts = state.ChainRateCounts.GetValueOrDefault(at.Run) ?? NoCounts;
            var theirs = Decide(facts with { Placement = at }, own.Tool, own.Scopes, details, state, facts.Binding.Kind, agent, counts);
            var d = theirs.Decision;
            delegators.Add(DelegationChain.Describe(agent, d));
            var scopes = d.IsAllowed || d.RequiresApproval ? decision.GrantedScopes.Intersect(d.GrantedScopes, StringComparer.Ordinal).ToList() : [];
            if (scopes.Count == 0)
            {
                var denied = d.IsAllowed || d.RequiresApproval
                    ? d with { Effect = DecisionEffect.Deny, ScopeDenied = true, GrantedScopes = [], Reason = $"it grants '{agent}' none of the scopes the sub-agent's rule grants" }
                    : d;
                var refusal = await RefuseAsync(facts, theirs with { Decision = denied, Delegators = delegators }, cancellationToken, agent);
                return DecideChecks.DelegatorNotAllowed.Refuse(
                    $"the delegating agent '{agent}' of run '{at.Run}' may not use {own.Tool}/{string.Join(' ', own.Scopes)} itself for this request, so no agent it delegated to may: {refusal.Description}");
            }

            var lifetime = d.MaxLifetime is { } cap && (decision.MaxLifetime is null || cap < decision.MaxLifetime) ? cap : decision.MaxLifetime;
            if (d.RequiresApproval && !decision.RequiresApproval)
            {
                (decision, approvalBy) = (d, agent);

                // The delegator's rule decides from here on, but the caller's own rule still counts the approved credential.
                if (Increment(own.Decision, rateInput, facts.Now) is { } callers)
                {
                    increments.Insert(0, callers);
                }
            }

            decision = decision with { GrantedScopes = scopes, MaxLifetime = lifetime };
            if (Increment(d, rateInput with { Agent = agent, RunId = at.Run }, facts.Now) is { } increment)
            {
                increments.Add(increment);
            }
        }

        return own with { Decision = decision, Delegators = delegators, ApprovalRequiredBy = approvalBy, DelegatorRateIncrements = increments };
    }
}
