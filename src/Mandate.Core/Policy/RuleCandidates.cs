namespace Mandate.Core.Policy;

/// <summary>The deny and allow rules that may apply to one (tool, agent) pair, each in file order.</summary>
internal sealed class RuleCandidates(IReadOnlyCollection<PolicyRule> rules)
{
    public PolicyRule[] Denies { get; } = [.. rules.Where(r => r.Effect == DecisionEffect.Deny)];

    public PolicyRule[] Allows { get; } = [.. rules.Where(r => r.Effect == DecisionEffect.Allow)];
}
