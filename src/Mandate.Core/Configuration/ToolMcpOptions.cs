namespace Mandate.Core.Configuration;

/// <summary>
/// A tool's <c>mcp:</c> section: the tool is an MCP server behind the egress proxy's MCP gateway, which decides every
/// <c>tools/call</c> with the policy's <c>mcp:</c> rules and injects the upstream's credential.
/// </summary>
public sealed record ToolMcpOptions
{
    /// <summary>
    /// Kind <c>jwt</c>: the audience (RFC 8707 resource) of the fresh Mandate credential the gateway presents to the MCP
    /// server; required for jwt, absent for secret (the vaulted key is injected instead).
    /// </summary>
    public string? UpstreamResource { get; init; }

    /// <summary>
    /// MCP tool name → the scopes the upstream credential carries when that tool is called (each one of the tool's
    /// <c>scopes</c>). Other methods get the union of all of them; a tool not listed gets none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToolScopes { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The scopes of the upstream credential for a call of <paramref name="tool"/>, or for any other method when null.</summary>
    public IReadOnlyList<string> ScopesFor(string? tool) => tool is null
        ? [.. ToolScopes.Values.SelectMany(s => s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
        : ToolScopes.GetValueOrDefault(tool) ?? [];
}
