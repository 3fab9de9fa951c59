namespace Mandate.Core.Mcp;

/// <summary>Stable ids of the refusals of an MCP <c>tools/call</c> decision (<see cref="McpCallDecision.CheckId"/>).</summary>
public static class McpCallChecks
{
    /// <summary>No rule with <c>mcp:</c> allows the call (default deny).</summary>
    public const string ToolNotAllowed = "mcp.tool_not_allowed";

    /// <summary>A deny rule with <c>mcp:</c> matched.</summary>
    public const string RuleDenied = "mcp.rule_denied";

    /// <summary>A rule requires a human's approval of this exact call; it is pending.</summary>
    public const string ApprovalPending = "mcp.approval_pending";

    /// <summary>A human denied approval of this exact call; the same call is refused until that approval's window ends.</summary>
    public const string ApprovalDenied = "mcp.approval_denied";

    /// <summary>
    /// Inside a child run, an agent up the delegation chain may not make this call itself (a deny rule, no rule, or a
    /// condition that does not hold for it), so no agent it delegated to may; the MCP counterpart of the exchange's
    /// <c>decide.delegator_not_allowed</c>.
    /// </summary>
    public const string DelegatorNotAllowed = "mcp.delegator_not_allowed";

    /// <summary><c>params.arguments</c> is not a JSON object the policy can read (duplicate member names, too deep, not Unicode, a number out of range).</summary>
    public const string ArgumentsInvalid = "mcp.arguments_invalid";
}
