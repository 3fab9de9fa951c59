using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Mandate.Policy;

/// <summary>
/// A rule's <c>mcp:</c> key: the MCP tools (of the servers in the rule's <c>tools:</c>) whose <c>tools/call</c> the rule
/// decides. A rule with this key decides MCP calls only and never grants a credential.
/// </summary>
public sealed class McpToolMatch
{
    /// <summary>The MCP tool name that matches every tool of the server.</summary>
    public const string AnyTool = "*";

    private readonly FrozenSet<string> _tools;

    internal McpToolMatch(IReadOnlyList<string> tools, bool recordArguments)
    {
        Tools = [.. tools];
        _tools = tools.ToFrozenSet(StringComparer.Ordinal);
        RecordArguments = recordArguments;
    }

    /// <summary>MCP tool names (case-sensitive, as the server lists them), or <see cref="AnyTool"/>.</summary>
    public ImmutableArray<string> Tools { get; }

    /// <summary>When this rule decides a call, its audit record (and approval) may hold the arguments themselves. Default false.</summary>
    public bool RecordArguments { get; }

    /// <summary>Whether the rule names <paramref name="tool"/>; an empty name is no tool, so not even <see cref="AnyTool"/> names it.</summary>
    public bool Names(string tool) => tool.Length > 0 && (_tools.Contains(AnyTool) || _tools.Contains(tool));
}
