namespace Mandate.Policy.Testing;

/// <summary>How the rules fared for one agent up a sub-agent's delegation chain, asked about the same request in its own run.</summary>
public sealed record DelegatorExplanation(DelegatingAgent Delegator, Decision Decision, IReadOnlyList<RuleExplanation> Rules);

/// <summary>
/// <c>mandate policy explain</c> of a request: the calling agent's rules and decision, each delegating agent's (nearest
/// first), and the combined decision the broker would make.
/// </summary>
public sealed record ChainExplanation(Decision Own, IReadOnlyList<RuleExplanation> Rules, IReadOnlyList<DelegatorExplanation> Delegators, DelegatedOutcome Outcome);

/// <summary>
/// <c>mandate policy explain</c> of a sub-agent's request (<c>delegators:</c>): every agent up the chain is explained
/// for the same request in its own run and depth, and the outcome is combined by <see cref="DelegatedDecision"/>, as the broker does.
/// </summary>
public static partial class PolicyExplainer
{
    /// <summary>Explains <paramref name="input"/> (or the MCP call <paramref name="call"/>) for the caller and every agent of <paramref name="delegators"/>.</summary>
    public static ChainExplanation ExplainChain(PolicySnapshot policy, PolicyInput input, McpCallInput? call, IReadOnlyList<DelegatingAgent> delegators)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(delegators);
        var (own, rules) = call is null ? Explain(policy, input) : ExplainMcpCall(policy, call);
        var explained = delegators.Select(d =>
        {
            var (theirs, theirRules) = call is null ? Explain(policy, DelegatedDecision.For(input, d)) : ExplainMcpCall(policy, DelegatedDecision.For(call, d));
            return new DelegatorExplanation(d, theirs, theirRules);
        }).ToList();

        // As the broker: a request the caller's own rule refuses asks no delegator.
        var outcome = own.Effect == DecisionEffect.Deny || explained.Count == 0
            ? new DelegatedOutcome(own, [], null)
            : call is null
                ? DelegatedDecision.ForCredential(own, delegators, i => explained[i].Decision)
                : DelegatedDecision.ForMcpCall(own, delegators, i => explained[i].Decision);
        return new ChainExplanation(own, rules, explained, outcome);
    }
}
