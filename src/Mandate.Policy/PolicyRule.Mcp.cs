namespace Mandate.Policy;

/// <summary>The <c>mcp:</c> key: rules that decide MCP <c>tools/call</c> requests at the gateway.</summary>
public sealed partial class PolicyRule
{
    /// <summary>
    /// The MCP tools this rule decides calls of, or null for an ordinary rule. A rule with <c>mcp:</c> is never
    /// considered for a token exchange (it is not in <see cref="PolicySnapshot.Index"/>), and an ordinary rule never
    /// decides a <c>tools/call</c>.
    /// </summary>
    public McpToolMatch? Mcp { get; internal init; }

    /// <summary>Whether this MCP rule applies to <paramref name="input"/>'s caller, server and tool (its condition aside).</summary>
    internal bool MatchesMcpCall(McpCallInput input) =>
        Mcp is { } mcp
        && mcp.Names(input.Tool)
        && MatchesTool(input.Server)
        && MatchesAgent(input.Agent)
        && MatchesEnvironment(input.Environment)
        && MatchesSubject(input.Subject)
        && MatchesMcpTenant(input);

    /// <summary>Whether this rule's tenant check holds for an MCP call, which reads the credential's tenant.</summary>
    internal bool MatchesMcpTenant(McpCallInput input) => Tenant switch
    {
        // The user's tenant is the credential's: the exchange that issued it already held it to its rule.
        TenantMatch.SameAsUser => input.Subject == SubjectKind.User,
        TenantMatch.Listed => TenantSet.Contains(input.Tenant),
        _ => true,
    };
}
