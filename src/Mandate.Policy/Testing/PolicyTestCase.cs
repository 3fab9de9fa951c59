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

    /// <summary>The deciding rule the case expects; null to not check (write <c>rule: none</c> for default deny).</summary>
    public string? Rule { get; init; }

    public bool ExpectNoRule { get; init; }

    /// <summary>Text the decision's reason must contain, if given.</summary>
    public string? ReasonContains { get; init; }

    /// <summary>1-based line of the case in its file.</summary>
    public int Line { get; init; }
}
