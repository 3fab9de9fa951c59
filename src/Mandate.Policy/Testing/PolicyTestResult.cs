namespace Mandate.Policy.Testing;

/// <summary>The outcome of one case: passed, or what differed.</summary>
public sealed record PolicyTestResult(PolicyTestCase Case, Decision Decision, string? Failure)
{
    public bool Passed => Failure is null;

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
