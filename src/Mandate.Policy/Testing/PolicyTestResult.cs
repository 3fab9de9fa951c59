namespace Mandate.Policy.Testing;

/// <summary>
/// The outcome of one case: passed, or what differed. <see cref="Decision"/> is the combined decision (the broker's
/// answer, after every agent up a delegation chain was asked); <see cref="Own"/> the calling agent's own.
/// </summary>
public sealed record PolicyTestResult(PolicyTestCase Case, Decision Decision, string? Failure)
{
    public bool Passed => Failure is null;

    /// <summary>The calling agent's own decision; the same as <see cref="Decision"/> for a root run.</summary>
    public Decision Own { get; init; } = Decision;

    /// <summary>The agent up the chain whose rule refused or made the request wait; null when the calling agent's rule decided.</summary>
    public DelegatingAgent? DecidedBy { get; init; }

    /// <summary>allow, deny or pending.</summary>
    public static string OutcomeOf(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Effect switch
        {
            DecisionEffect.Allow => "allow",
            DecisionEffect.RequireApproval => "pending",
            _ => "deny",
        };
    }
}
