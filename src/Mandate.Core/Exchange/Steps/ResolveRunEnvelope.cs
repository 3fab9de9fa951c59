using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Run token requests: decides whether this starts, renews or delegates a run, and what the run may do
/// (its envelope). A child's envelope must fit inside its parent's and its depth under the tree's limit;
/// anything wider is refused with the part that was too wide.
/// </summary>
public sealed class ResolveRunEnvelope : IExchangeStep
{
    private readonly Registry _registry;

    public ResolveRunEnvelope(Registry registry) => _registry = registry;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Kind != ExchangeKind.RunToken)
        {
            return ValueTask.CompletedTask;
        }

        var parent = context.SubjectRun?.Run;
        context.RunMode = parent is null ? RunRequestMode.Start
            : parent.Agent == context.Actor!.SpiffeId ? RunRequestMode.Renew
            : RunRequestMode.Delegate;
        var error = context.RunMode switch
        {
            RunRequestMode.Start => Start(context),
            RunRequestMode.Renew => Renew(context, parent!),
            _ => Delegate(context, parent!),
        };
        if (error is not null)
        {
            context.Reject(error);
        }

        return ValueTask.CompletedTask;
    }

    private OAuthError? Start(ExchangeContext context)
    {
        if (context.Request[P.Scope] is not { } scope)
        {
            return OAuthError.InvalidScope("scope is required to start a run: list every operation the run may need (the run's envelope)");
        }

        var (envelope, error) = EnvelopeFor(context.Agent!, scope);
        context.Envelope = envelope;
        return error;
    }

    private static OAuthError? Renew(ExchangeContext context, RunRecord run)
    {
        if (context.Request[P.Scope] is { } scope && scope.Split(' ').Any(s => !run.Envelope.Tools.Any(t => run.Envelope.ScopesOf(t).Contains(s))))
        {
            return OAuthError.InvalidScope($"renewing keeps the envelope of run '{run.Id}' ({run.Envelope.Scope}); it cannot add scopes");
        }

        context.Envelope = run.Envelope;
        return null;
    }

    private OAuthError? Delegate(ExchangeContext context, RunRecord parent)
    {
        if (context.DelegationDepth > parent.MaxDepth)
        {
            return OAuthError.InvalidRequest($"delegation depth {context.DelegationDepth} exceeds the limit {parent.MaxDepth} of this run tree (agents[].max_delegation_depth of '{parent.Actors[0]}')");
        }

        var agent = context.Agent!;
        RunEnvelope envelope;
        if (context.Request[P.Scope] is { } scope)
        {
            var (requested, error) = EnvelopeFor(agent, scope);
            if (error is not null)
            {
                return error;
            }

            envelope = requested!;
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
            return OAuthError.InvalidScope($"the sub-agent's run would exceed its parent run '{parent.Id}': {string.Join(", ", excess)} is not in the parent's envelope ({parent.Envelope.Scope})");
        }

        if (!envelope.Tools.Any())
        {
            return OAuthError.InvalidScope($"sub-agent '{agent.Id}' declared none of the parent run's tools ({string.Join(", ", parent.Envelope.Tools)})");
        }

        context.Envelope = envelope;
        return null;
    }

    /// <summary>Maps each scope to the one tool, among those the agent declared, that defines it.</summary>
    private (RunEnvelope? Envelope, OAuthError? Error) EnvelopeFor(AgentOptions agent, string scope)
    {
        var declared = agent.Tools.Select(_registry.FindTool).OfType<ToolOptions>().ToList();
        var byTool = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var s in scope.Split(' ').Distinct(StringComparer.Ordinal))
        {
            var owners = declared.Where(t => t.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
            if (owners.Count != 1)
            {
                return (null, OAuthError.InvalidScope(owners.Count == 0
                    ? $"scope '{s}' is not defined by any tool agent '{agent.Id}' declared ({string.Join(", ", agent.Tools)})"
                    : $"scope '{s}' is defined by several tools ({string.Join(", ", owners.Select(o => o.Name))}); a run's scopes must name one tool each"));
            }

            if (!byTool.TryGetValue(owners[0].Name, out var list))
            {
                byTool[owners[0].Name] = list = [];
            }

            list.Add(s);
        }

        return (new RunEnvelope(byTool.Select(p => new KeyValuePair<string, IEnumerable<string>>(p.Key, p.Value))), null);
    }
}
