namespace Mandate.ResourceServer;

/// <summary>
/// Which scopes each MCP tool needs. Checked on every <c>tools/call</c> before the MCP server runs the tool; a call
/// whose credential lacks any of them gets HTTP 403 <c>insufficient_scope</c> naming them all (MCP authorization,
/// "runtime insufficient scope errors"). Tools not listed here reach the MCP server with any valid credential.
/// </summary>
public sealed class MandateMcpToolScopeOptions
{
    private readonly Dictionary<string, IReadOnlyList<string>> _tools = new(StringComparer.Ordinal);

    /// <summary>The authentication scheme whose options (audience, metadata) the refusals name. Default "Mandate".</summary>
    public string Scheme { get; set; } = MandateTokenDefaults.AuthenticationScheme;

    /// <summary>
    /// The largest JSON-RPC request body read (bytes); a larger one is refused with 413 before the MCP server sees it.
    /// Default 1 MiB.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Tool name (exact, case-sensitive as MCP names are) → every scope a call of it needs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Tools => _tools;

    /// <summary>Calls of <paramref name="tool"/> need all of <paramref name="scopes"/>.</summary>
    public MandateMcpToolScopeOptions Require(string tool, params string[] scopes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Length == 0 || scopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"name at least one scope (no spaces) for tool '{tool}', e.g. refunds:write", nameof(scopes));
        }

        _tools[tool] = scopes;
        return this;
    }
}
