namespace Mandate.Policy.Testing;

/// <summary>What a test case expects: allow, deny or pending (require_approval).</summary>
public enum ExpectedOutcome
{
    Allow,
    Deny,
    Pending,
}

/// <summary>One case of a policy test file: a request context and the decision it must get.</summary>
public sealed record PolicyTestCase
{
    public required string Name { get; init; }
    public required PolicyInput Input { get; init; }
    public required ExpectedOutcome Expect { get; init; }

    /// <summary>For a case whose request has <c>mcp:</c>: the MCP tools/call it decides instead of an exchange.</summary>
    public McpCallInput? McpCall { get; init; }

    /// <summary>
    /// For a sub-agent's request (<c>delegators:</c>): the agents up the chain, nearest first, each decided again for the
    /// same request in its own run and depth, as the broker does; empty for a root run.
    /// </summary>
    public IReadOnlyList<DelegatingAgent> Delegators { get; init; } = [];

    /// <summary>
    /// The rule the case expects to decide for the calling agent itself; null to not check (write <c>rule: none</c> for
    /// default deny). With delegators, <see cref="DecidedBy"/> says whose rule decided the combined outcome.
    /// </summary>
    public string? Rule { get; init; }

    public bool ExpectNoRule { get; init; }

    /// <summary>
    /// The agent whose rule the case expects to decide the combined outcome: an agent of <see cref="Delegators"/> whose rule
    /// refused or made the request wait, or the calling agent when its own rule decided; null to not check.
    /// </summary>
    public string? DecidedBy { get; init; }

    /// <summary>Text the (combined) decision's reason must contain, if given.</summary>
    public string? ReasonContains { get; init; }

    /// <summary>1-based line of the case in its file.</summary>
    public int Line { get; init; }
}
