using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;

namespace Mandate.Core.Resolution;

/// <summary>
/// Run token requests: whether this starts, renews or delegates a run, and what the run may do (its envelope).
/// A child's envelope must fit inside its parent's and its depth under the tree's limit; anything wider is
/// refused with the part that was too wide.
/// </summary>
public sealed partial class ResolveStage
{
    /// <summary>The run's mode and envelope; <paramref name="parent"/> is the presented run, null to start one.</summary>
    public Result<RunPlan> Envelope(TokenRequest request, AttestedActor actor, RunRecord? parent, Placement placement)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(placement);
        if (parent is null)
        {
            return Start(request, actor.Agent);
        }

        if (SubAgentRefusal(placement.Actors) is { } refused)
        {
            return refused;
        }

        return parent.Agent == actor.SpiffeId ? Renew(request, parent) : Delegate(request, actor.Agent, parent, placement.DelegationDepth);
    }

    private Result<RunPlan> Start(TokenRequest request, AgentOptions agent)
    {
        if (request.Scope is not { } scope)
        {
            return ResolveChecks.RunScopeMissing.Refuse("scope is required to start a run: list every operation the run may need (the run's envelope)");
        }

        var envelope = EnvelopeFor(agent, scope);
        return envelope.Failed(out var error, out var value) ? error : new RunPlan(RunRequestMode.Start, value);
    }

    private static Result<RunPlan> Renew(TokenRequest request, RunRecord run)
    {
        if (request.Scope is { } scope && scope.Split(' ').Any(s => !run.Envelope.Tools.Any(t => run.Envelope.ScopesOf(t).Contains(s))))
        {
            return ResolveChecks.RenewAddsScope.Refuse($"renewing keeps the envelope of run '{run.Id}' ({run.Envelope.Scope}); it cannot add scopes");
        }

        return new RunPlan(RunRequestMode.Renew, run.Envelope);
    }

    private Result<RunPlan> Delegate(TokenRequest request, AgentOptions agent, RunRecord parent, int depth)
    {
        if (depth > parent.MaxDepth)
        {
            return ResolveChecks.DepthExceeded.Refuse($"delegation depth {depth} exceeds the limit {parent.MaxDepth} of this run tree (agents[].max_delegation_depth of '{parent.Actors[0]}')");
        }

        RunEnvelope envelope;
        if (request.Scope is { } scope)
        {
            if (EnvelopeFor(agent, scope).Failed(out var error, out var requested))
            {
                return error;
            }

            envelope = requested;
        }
        else
        {
            // Without a scope the child inherits what it can use of the parent's envelope, never more.
            envelope = new RunEnvelope(parent.Envelope.Tools.Where(t => agent.Tools.Contains(t, StringComparer.Ordinal))
                .Select(t => new KeyValuePair<string, IEnumerable<string>>(t, parent.Envelope.ScopesOf(t))));
        }

        var excess = envelope.Excess(parent.Envelope);
        if (excess.Count > 0)
        {
            // Attenuation only (invariant 3): a child never gains scope.
            return ResolveChecks.EnvelopeExceedsParent.Refuse($"the sub-agent's run would exceed its parent run '{parent.Id}': {string.Join(", ", excess)} is not in the parent's envelope ({parent.Envelope.Scope})");
        }

        if (!envelope.Tools.Any())
        {
            return ResolveChecks.NoParentTools.Refuse($"sub-agent '{agent.Id}' declared none of the parent run's tools ({string.Join(", ", parent.Envelope.Tools)})");
        }

        return new RunPlan(RunRequestMode.Delegate, envelope);
    }

    /// <summary>
    /// The refusal when an agent of <paramref name="chain"/> (root first) acts as the sub-agent of one whose
    /// <c>sub_agents</c> does not name it; null when every link is allowed. Asked on every request in a child run, so a
    /// registration that drops a sub-agent takes effect on its runs too, not only on new delegations.
    /// </summary>
    private OAuthError? SubAgentRefusal(IReadOnlyList<string> chain)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            if (_registry.FindAgent(chain[i - 1])?.SubAgents is { } allowed && !allowed.Contains(chain[i], StringComparer.Ordinal))
            {
                return ResolveChecks.SubAgentNotAllowed.Refuse(
                    $"agent '{chain[i]}' may not act as a sub-agent of '{chain[i - 1]}': it is not among that agent's agents[].sub_agents; an operator must add it there");
            }
        }

        return null;
    }

    /// <summary>Maps each scope to the one tool, among those the agent declared, that defines it.</summary>
    private Result<RunEnvelope> EnvelopeFor(AgentOptions agent, string scope)
    {
        var declared = agent.Tools.Select(_registry.FindTool).OfType<ToolOptions>().ToList();
        var byTool = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var s in scope.Split(' ').Distinct(StringComparer.Ordinal))
        {
            var owners = declared.Where(t => t.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
            if (owners.Count == 0)
            {
                return ResolveChecks.ScopeUnowned.Refuse($"scope '{s}' is not defined by any tool agent '{agent.Id}' declared ({string.Join(", ", agent.Tools)})");
            }

            if (owners.Count > 1)
            {
                return ResolveChecks.ScopeAmbiguous.Refuse($"scope '{s}' is defined by several tools agent '{agent.Id}' declared ({string.Join(", ", owners.Select(o => o.Name))}), and a run's scopes must name one tool each; give those tools distinct scope names in the configuration, or declare only one of them for the agent");
            }

            if (!byTool.TryGetValue(owners[0].Name, out var list))
            {
                byTool[owners[0].Name] = list = [];
            }

            list.Add(s);
        }

        return new RunEnvelope(byTool.Select(p => new KeyValuePair<string, IEnumerable<string>>(p.Key, p.Value)));
    }
}
