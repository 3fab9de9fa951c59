namespace Mandate.Policy;

/// <summary>The deny and allow rules that may apply to one (tool, agent) pair, each in file order.</summary>
public sealed class RuleCandidates
{
    /// <summary>No rule at all.</summary>
    internal static readonly RuleCandidates None = new([]);

    internal RuleCandidates(IReadOnlyCollection<PolicyRule> rules)
    {
        Denies = [.. rules.Where(r => r.Effect == DecisionEffect.Deny)];
        Allows = [.. rules.Where(r => r.Effect != DecisionEffect.Deny)];
    }

    /// <summary>Deny rules: any that matches decides.</summary>
    public PolicyRule[] Denies { get; }

    /// <summary>Allow and require_approval rules: the first that matches decides.</summary>
    public PolicyRule[] Allows { get; }
}
