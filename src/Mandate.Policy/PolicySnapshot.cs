using System.Collections.Immutable;

namespace Mandate.Policy;

/// <summary>
/// One loaded, validated version of the policy. Immutable, so a request evaluates against exactly
/// one version even while a reload swaps in the next.
/// </summary>
public sealed class PolicySnapshot
{
    internal PolicySnapshot(IReadOnlyList<PolicyRule> rules, string version, string? sourcePath)
    {
        Rules = [.. rules];
        Version = version;
        SourcePath = sourcePath;
        // Two indexes, so an exchange can never even see a rule with mcp: (and a tools/call never an ordinary rule).
        Index = new RuleIndex([.. Rules.Where(r => r.Mcp is null)]);
        McpIndex = new RuleIndex([.. Rules.Where(r => r.Mcp is not null)]);
    }

    /// <summary>The rules in file order. Empty means every request is denied.</summary>
    public ImmutableArray<PolicyRule> Rules { get; }

    /// <summary><c>sha256:</c> and the lowercase hex SHA-256 of the exact policy bytes.</summary>
    public string Version { get; }

    /// <summary>The file the policy was read from, or null when it came from text.</summary>
    public string? SourcePath { get; }

    /// <summary>
    /// The ordinary rules (without <c>mcp:</c>) by (tool, agent): what token exchanges are decided against, for callers that
    /// need the candidate rules themselves (rate-limit counters).
    /// </summary>
    public RuleIndex Index { get; }

    /// <summary>The rules with <c>mcp:</c> by (MCP server's tool, agent): what MCP tools/call requests are decided against.</summary>
    public RuleIndex McpIndex { get; }

    public override string ToString() => $"policy {Version} ({Rules.Length} rules)";
}
