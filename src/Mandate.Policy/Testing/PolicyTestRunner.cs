namespace Mandate.Policy.Testing;

/// <summary>Decides each case against the policy, purely, and compares with what the case expects.</summary>
public static class PolicyTestRunner
{
    public static IReadOnlyList<PolicyTestResult> Run(PolicySnapshot policy, IReadOnlyList<PolicyTestCase> cases)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(cases);
        return [.. cases.Select(c => Check(c, c.McpCall is { } call ? McpCallEngine.Evaluate(policy, call) : PolicyEngine.Evaluate(policy, c.Input)))];
    }

    private static PolicyTestResult Check(PolicyTestCase c, Decision d)
    {
        var outcome = PolicyTestResult.OutcomeOf(d);
        var expected = c.Expect.ToString().ToLowerInvariant();
        var rule = d.RuleId ?? "none (default deny)";
        string? failure = null;
        if (outcome != expected)
        {
            failure = $"expected {expected}, got {outcome} by {rule}: {d.Reason}";
        }
        else if (c.ExpectNoRule && d.RuleId is not null)
        {
            failure = $"expected default deny, but rule '{d.RuleId}' decided";
        }
        else if (c.Rule is not null && c.Rule != d.RuleId)
        {
            failure = $"expected rule '{c.Rule}' to decide, but {rule} did: {d.Reason}";
        }
        else if (c.ReasonContains is not null && !d.Reason.Contains(c.ReasonContains, StringComparison.Ordinal))
        {
            failure = $"expected the reason to contain '{c.ReasonContains}', got: {d.Reason}";
        }

        return new PolicyTestResult(c, d, failure);
    }
}
