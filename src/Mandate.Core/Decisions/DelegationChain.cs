using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>
/// The agents up a run's delegation chain, each placed in its own run: what the token exchange and the MCP gateway both
/// decide again for a sub-agent's request (invariant 3), so both ask the same agents, in the same runs, at the same depths.
/// </summary>
internal static class DelegationChain
{
    /// <summary>
    /// The agents of <paramref name="run"/>'s chain from depth <paramref name="top"/> up to the root, nearest first, each
    /// placed in its own run (the lineage's id at that depth) with the chain as it stood there; null when the recorded
    /// chain does not match the run's depth.
    /// </summary>
    public static IReadOnlyList<(string Agent, Placement At)>? From(RunRecord run, int top)
    {
        var runs = run.Lineage.Split('/');
        if (runs.Length != run.Depth + 1 || run.Actors.Count != run.Depth + 1)
        {
            return null;
        }

        var chain = new List<(string, Placement)>(top + 1);
        for (var depth = top; depth >= 0; depth--)
        {
            chain.Add((run.Actors[depth], new Placement(run.Tenant, runs[depth], run.Actors.Take(depth + 1).ToList(), depth)));
        }

        return chain;
    }

    /// <summary>Why a damaged chain is refused: recorded by the broker itself, so with no delegator to ask, nothing is allowed.</summary>
    public static string Damaged(RunRecord run) =>
        $"run '{run.Id}' records a delegation chain that does not match its depth, so its delegating agents cannot be asked";

    /// <summary>The chain as the policy sees it: each agent with its run and depth, nearest first.</summary>
    public static IReadOnlyList<DelegatingAgent> Agents(IReadOnlyList<(string Agent, Placement At)> chain) =>
        [.. chain.Select(c => new DelegatingAgent(c.Agent, c.At.Run, c.At.DelegationDepth))];
}
