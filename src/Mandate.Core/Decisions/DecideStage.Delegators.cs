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
                    var why = $"the delegating agent '{agent}' of run '{at.Run}' may no longer use {tool}/{string.Join(' ', decided.Scopes)} itself, so it cannot hand it on: ";
                    return DecideChecks.DelegatorNotAllowed.Refuse(why + refusal.Description, refusal.Detail is { } detail ? why + detail : null);
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

        var rateInput = RateInput(facts, own.Tool, own.Scopes);
        var decisions = new Decision[chain.Count];
        var outcome = DelegatedDecision.ForCredential(own.Decision, DelegationChain.Agents(chain), i =>
        {
            // Each delegator's rule reads (rate_limit and rate in when:) its own counters, as for a request of its own.
            var counts = state.ChainRateCounts.GetValueOrDefault(chain[i].At.Run) ?? NoCounts;
            return decisions[i] = Decide(facts with { Placement = chain[i].At }, own.Tool, own.Scopes, details, state, facts.Binding.Kind, chain[i].Agent, counts).Decision;
        });
        if (outcome.RefusedBy is { } refuser)
        {
            var refusal = await RefuseAsync(facts, own with { Decision = outcome.Decision, Delegators = outcome.Delegators }, cancellationToken, refuser.Agent);
            var why = $"the delegating agent '{refuser.Agent}' of run '{refuser.Run}' may not use {own.Tool}/{string.Join(' ', own.Scopes)} itself for this request, so no agent it delegated to may: ";
            return DecideChecks.DelegatorNotAllowed.Refuse(why + refusal.Description, refusal.Detail is { } detail ? why + detail : null);
        }

        // Every agent up the chain allowed it: each delegator rule with a rate_limit counts the credential too. When a
        // delegator's rule made it wait, the decision is that rule's from here on, but the caller's own rule still counts.
        var increments = new List<RateIncrement>();
        if (outcome.DecidedBy is not null && Increment(own.Decision, rateInput, facts.Now) is { } callers)
        {
            increments.Add(callers);
        }

        for (var i = 0; i < chain.Count; i++)
        {
            if (Increment(decisions[i], rateInput with { Agent = chain[i].Agent, RunId = chain[i].At.Run }, facts.Now) is { } increment)
            {
                increments.Add(increment);
            }
        }

        return own with { Decision = outcome.Decision, Delegators = outcome.Delegators, ApprovalRequiredBy = outcome.DecidedBy?.Agent, DelegatorRateIncrements = increments };
    }
}
