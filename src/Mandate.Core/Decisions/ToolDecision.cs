using Mandate.Core.RateLimits;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>The policy's decision about one tool of a request, with the scopes it was asked about.</summary>
public sealed record ToolDecision(string Tool, IReadOnlyList<string> Scopes, Decision Decision)
{
    /// <summary>
    /// Inside a child run: the rule that decided the same request for each agent up the delegation chain, nearest first
    /// (<c>agent: rule (effect)</c>); empty otherwise. The audit record carries it, so it names who required what.
    /// </summary>
    public IReadOnlyList<string> Delegators { get; init; } = [];

    /// <summary>The delegator whose rule made this decision wait for a human, when it is not the caller's own rule.</summary>
    public string? ApprovalRequiredBy { get; init; }

    /// <summary>
    /// Inside a child run: one increment for each delegator rule with a rate_limit that allowed this request, keyed as that
    /// rule keys a request of its own agent in its own run, so the credential counts against every budget above it. When a
    /// delegator's rule made the request wait (<see cref="ApprovalRequiredBy"/>), <see cref="Decision"/> is that rule's, so
    /// the caller's own rule's increment comes first here.
    /// </summary>
    public IReadOnlyList<RateIncrement> DelegatorRateIncrements { get; init; } = [];
}
