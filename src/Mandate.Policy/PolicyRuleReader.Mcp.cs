using System.Buffers;

namespace Mandate.Policy;

/// <summary>
/// Reads <c>mcp:</c>, which turns a rule into one that decides MCP <c>tools/call</c> requests:
/// <c>{tools: [refund, lookup_order], record_arguments: false}</c>.
/// </summary>
internal sealed partial class PolicyRuleReader
{
    private static readonly string[] McpKeys = ["tools", "record_arguments"];

    // MCP tools.mdx "Tool Names": A-Z, a-z, 0-9, '_', '-', '.'; '/' and ':' too, which servers use for namespacing.
    private static readonly SearchValues<char> McpToolNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./:");

    private McpToolMatch? _mcp;
    private PolicyYamlNode? _mcpNode;
    private PolicyYamlNode? _recordArgumentsNode;
    private bool _recordArguments;

    private bool ReadMcpEntry(PolicyYamlScalar key, PolicyYamlNode value)
    {
        if (key.Value != "mcp")
        {
            return false;
        }

        _mcpNode = value;
        if (value is not PolicyYamlMapping mapping)
        {
            _problems.Add(PolicyYamlValues.At(value, $"must be a mapping such as {{tools: [lookup_order], record_arguments: false}}, found {value.Kind}"));
            return true;
        }

        List<string>? tools = null;
        foreach (var (k, v) in mapping.Entries)
        {
            switch (k.Value)
            {
                case "tools":
                    tools = ReadNames(v, "list MCP tool names, or ['*'] for every tool of the server", McpToolNameError);
                    break;
                case "record_arguments":
                    _recordArgumentsNode = v;
                    _recordArguments = ReadEnum(v, "true or false", t => t switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => (bool?)null,
                    }) ?? false;
                    break;
                default:
                    PolicyYamlValues.ReportUnknownKey(k, McpKeys, _problems);
                    break;
            }
        }

        if (!mapping.Entries.Any(e => e.Key.Value == "tools"))
        {
            _problems.Add(PolicyYamlValues.At(mapping, "mcp is missing 'tools' (the MCP tool names this rule decides, or ['*'])"));
        }

        _mcp = tools is null ? null : new McpToolMatch(tools, _recordArguments);
        return true;
    }

    /// <summary>What an <c>mcp:</c> rule cannot carry: it decides calls with a credential already issued, so it grants nothing.</summary>
    private void CheckMcp(bool isDeny)
    {
        if (_mcpNode is null)
        {
            return;
        }

        const string why = "a rule with mcp: decides MCP tool calls and grants no credential";
        foreach (var (node, key) in new[] { (_scopesNode, "scopes"), (_grantScopesNode, "grant_scopes"), (_httpNode, "http"), (_rateLimitNode, "rate_limit"), (_maxLifetimeNode, "max_lifetime"), (_senderConstraintNode, "sender_constraint") })
        {
            if (node is not null)
            {
                var hint = key == "scopes" ? "; the credential's scopes come from the ordinary rule that granted it" : "";
                _problems.Add(PolicyYamlValues.At(node, $"{why}, so {key} does not apply; remove it{hint}"));
            }
        }

        if (isDeny && _recordArguments && _recordArgumentsNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_recordArgumentsNode, "a deny rule with mcp: refuses the call, so record_arguments does not apply; remove it (refused calls are recorded by their argument hash)"));
        }
    }

    private static string? McpToolNameError(string name)
    {
        if (name == McpToolMatch.AnyTool)
        {
            return null;
        }

        if (name.Length > 128 || name.AsSpan().ContainsAnyExcept(McpToolNameChars))
        {
            return $"MCP tool name '{name}' is not valid: 1 to 128 letters, digits, '_', '-', '.', '/' or ':' (MCP tool names), or '*' on its own for every tool";
        }

        return null;
    }
}
