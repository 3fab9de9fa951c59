namespace Mandate.Core.Mcp;

/// <summary>What the gateway does with one <c>tools/call</c>.</summary>
public enum McpCallVerdict
{
    Allowed,
    Denied,
    ApprovalPending,
}

/// <summary>The decision on one <c>tools/call</c>, with what its audit record and refusal need.</summary>
public sealed record McpCallDecision
{
    public required McpCallVerdict Verdict { get; init; }

    /// <summary>The deciding rule, or null when no rule named the call (default deny).</summary>
    public string? Rule { get; init; }

    public required string PolicyVersion { get; init; }

    /// <summary>Stable id of the check that refused (e.g. <c>mcp.tool_not_allowed</c>); null when allowed.</summary>
    public string? CheckId { get; init; }

    /// <summary>For a refusal or a pending approval: which rule decided and how to fix it. Never repeats the arguments.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The operator's text of a refusal, for its audit record, when it says more than <see cref="Description"/> (which
    /// the caller reads): the policy's whole detail. Null when the two are the same.
    /// </summary>
    public string? Detail { get; init; }

    /// <summary>Lowercase hex SHA-256 of the canonical JSON of the arguments (object keys sorted, no whitespace).</summary>
    public required string ArgumentsHash { get; init; }

    /// <summary>The pending approval (ApprovalPending) or the approval consumed (Allowed after approval).</summary>
    public string? ApprovalId { get; init; }

    /// <summary>Seconds until a pending approval expires.</summary>
    public int? ApprovalExpiresIn { get; init; }

    /// <summary>The deciding rule opted in to recording the arguments themselves in the audit record.</summary>
    public bool RecordArguments { get; init; }

    /// <summary>
    /// Inside a child run: the rule that decided the same call for each agent up the delegation chain, nearest first
    /// (<c>agent: rule (effect)</c>); empty for a root run.
    /// </summary>
    public IReadOnlyList<string> Delegators { get; init; } = [];

    /// <summary>The agent up the chain whose rule refused the call or made it wait for a human; null when the caller's own rule decided.</summary>
    public string? Delegator { get; init; }

    /// <summary>The run of <see cref="Delegator"/>.</summary>
    public string? DelegatorRun { get; init; }
}
