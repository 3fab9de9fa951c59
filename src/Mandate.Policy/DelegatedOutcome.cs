namespace Mandate.Policy;

/// <summary>
/// What a delegation chain decided for a sub-agent's request (<see cref="DelegatedDecision"/>).
/// </summary>
/// <param name="Decision">
/// The combined decision: the refusal of an agent up the chain, the approval one requires, or the caller's own; for a
/// credential, with the scopes every agent grants and the shortest rule lifetime.
/// </param>
/// <param name="Delegators">The rule that decided for each agent asked, nearest first, as <c>agent: rule (effect)</c>.</param>
/// <param name="DecidedBy">The agent up the chain whose rule refused or made the request wait; null when the caller's own rule decided.</param>
public sealed record DelegatedOutcome(Decision Decision, IReadOnlyList<string> Delegators, DelegatingAgent? DecidedBy)
{
    /// <summary>The agent up the chain whose rule refused the request, if one did.</summary>
    public DelegatingAgent? RefusedBy => Decision.Effect == DecisionEffect.Deny ? DecidedBy : null;
}
