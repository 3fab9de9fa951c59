namespace Mandate.Policy.Testing;

/// <summary>Decides each case against the policy, purely, and compares with what the case expects.</summary>
public static class PolicyTestRunner
{
    public static IReadOnlyList<PolicyTestResult> Run(PolicySnapshot policy, IReadOnlyList<PolicyTestCase> cases)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(cases);
        return [.. cases.Select(c => Check(c, Decide(policy, c)))];
    }

    /// <summary>
    /// The case's request decided as the broker decides it: for the calling agent, then (inside a child run, unless the
    /// caller's own rule refused) for every agent up the chain in its own run and depth, combined by <see cref="DelegatedDecision"/>.
    /// </summary>
    public static (Decision Own, DelegatedOutcome Outcome) Decide(PolicySnapshot policy, PolicyTestCase c)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(c);
        var chain = c.Delegators;
        if (c.McpCall is { } call)
        {
            var own = McpCallEngine.Evaluate(policy, call);
            return (own, own.Effect == DecisionEffect.Deny || chain.Count == 0
                ? new DelegatedOutcome(own, [], null)
                : DelegatedDecision.ForMcpCall(own, chain, i => McpCallEngine.Evaluate(policy, DelegatedDecision.For(call, chain[i]))));
        }

        var mine = PolicyEngine.Evaluate(policy, c.Input);
        return (mine, mine.Effect == DecisionEffect.Deny || chain.Count == 0
            ? new DelegatedOutcome(mine, [], null)
            : DelegatedDecision.ForCredential(mine, chain, i => PolicyEngine.Evaluate(policy, DelegatedDecision.For(c.Input, chain[i]))));
    }

    /// <summary>Who decided, for people: the rule, and the agent up the chain it belongs to when it is not the caller's.</summary>
    public static string DecidedByText(Decision decision, DelegatingAgent? by)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var rule = decision.RuleId ?? "none (default deny)";
        return by is null ? rule : $"{rule} of delegating agent '{by.Agent}' (run '{by.Run}', depth {by.Depth})";
    }

    private static PolicyTestResult Check(PolicyTestCase c, (Decision Own, DelegatedOutcome Outcome) decided)
    {
        var (own, d, by) = (decided.Own, decided.Outcome.Decision, decided.Outcome.DecidedBy);
        var outcome = PolicyTestResult.OutcomeOf(d);
        var expected = c.Expect.ToString().ToLowerInvariant();
        var decider = by?.Agent ?? c.Input.Agent;
        string? failure = null;
        if (outcome != expected)
        {
            failure = $"expected {expected}, got {outcome} by {DecidedByText(d, by)}: {d.Reason}";
        }
        else if (c.ExpectNoRule && own.RuleId is not null)
        {
            failure = $"expected default deny for the calling agent, but rule '{own.RuleId}' decided";
        }
        else if (c.Rule is not null && c.Rule != own.RuleId)
        {
            failure = $"expected rule '{c.Rule}' to decide for the calling agent, but {own.RuleId ?? "none (default deny)"} did: {own.Reason}";
        }
        else if (c.DecidedBy is not null && c.DecidedBy != decider)
        {
            failure = $"expected the decision by agent '{c.DecidedBy}', but it was made by {DecidedByText(d, by)}"
                + (by is null ? $" for the calling agent '{decider}'" : "");
        }
        else if (c.ReasonContains is not null && !d.Reason.Contains(c.ReasonContains, StringComparison.Ordinal))
        {
            failure = $"expected the reason to contain '{c.ReasonContains}', got: {d.Reason}";
        }

        return new PolicyTestResult(c, d, failure) { Own = own, DecidedBy = by };
    }
}
