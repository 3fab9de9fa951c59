namespace Mandate.Core.Policy;

/// <summary>The deny and allow rules that may apply to one (tool, agent) pair, each in file order.</summary>
internal sealed class RuleCandidates(IReadOnlyCollection<PolicyRule> rules)
{
    public PolicyRule[] Denies { get; } = [.. rules.Where(r => r.Effect == DecisionEffect.Deny)];

    /// <summary>Allow and require_approval rules: the first that matches decides.</summary>
    public PolicyRule[] Allows { get; } = [.. rules.Where(r => r.Effect != DecisionEffect.Deny)];
}
