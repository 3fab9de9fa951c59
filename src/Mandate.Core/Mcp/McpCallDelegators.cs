using Mandate.Core.Decisions;
using Mandate.Core.Introspection;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Mcp;

/// <summary>
/// Invariant 3 per <c>tools/call</c>: a call made with a credential of a child run is decided again for every agent up
/// the delegation chain, each in its own run (<see cref="DelegationChain"/>, the walk the token exchange uses), since a
/// delegate never holds more than its delegator. The strictest outcome wins: any refusal refuses, and a require_approval
/// makes the call wait for a human under that agent's rule. A credential of a root run costs nothing here.
/// </summary>
internal sealed class McpCallDelegators
{
    private readonly IRunStore _runs;

    public McpCallDelegators(IRunStore runs) => _runs = runs;

    /// <summary>Whether <paramref name="caller"/>'s credential was issued in a child run (its signed <c>act</c> chain names a delegator).</summary>
    public static bool InChildRun(IssuedToken caller) => caller.Actors is { Count: > 1 };

    /// <summary>
    /// The agents above the caller, nearest first, each in its own run; null when the run the credential names is not
    /// recorded with the chain the credential carries (a damaged store: with no delegator to ask, nothing is allowed).
    /// </summary>
    public async Task<IReadOnlyList<(string Agent, Placement At)>?> ChainAsync(IssuedToken caller, CancellationToken cancellationToken)
    {
        var run = await _runs.GetRunAsync(caller.Run, cancellationToken);
        if (run is null || run.Agent != caller.Agent || run.Tenant != caller.Tenant || !run.Actors.SequenceEqual(caller.Actors!, StringComparer.Ordinal))
        {
            return null;
        }

        return DelegationChain.From(run, run.Depth - 1);
    }

    /// <summary>The decision once every agent of <paramref name="chain"/> has been asked about the call <paramref name="input"/> describes.</summary>
    public static DelegatedOutcome Decide(PolicySnapshot policy, McpCallInput input, Decision own, IReadOnlyList<(string Agent, Placement At)> chain)
    {
        var agents = DelegationChain.Agents(chain);
        return DelegatedDecision.ForMcpCall(own, agents, i => McpCallEngine.Evaluate(policy, DelegatedDecision.For(input, agents[i])));
    }
}
