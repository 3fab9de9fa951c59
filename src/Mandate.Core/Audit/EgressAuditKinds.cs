namespace Mandate.Core.Audit;

/// <summary>Audit kinds of the vault and the egress proxy (beside <see cref="AuditKinds"/>).</summary>
public static class EgressAuditKinds
{
    /// <summary>A tool's vaulted secret was set or deleted (outcome <c>set</c> / <c>deleted</c>); metadata only.</summary>
    public const string Secret = "secret";

    /// <summary>One call through the egress proxy: forwarded (with the upstream status) or refused, and why.</summary>
    public const string ProxyCall = "proxy_call";

    /// <summary>
    /// One <c>tools/call</c> through the MCP gateway (outcome <c>allowed</c>, <c>denied</c>, <c>pending</c>,
    /// <c>refused</c> or <c>failed</c>): the MCP tool, the arguments' hash, the deciding rule and the upstream status.
    /// </summary>
    public const string McpCall = "mcp_call";
}
