using Mandate.Policy.Expressions;

namespace Mandate.Policy;

/// <summary>
/// The variables a <c>when:</c> condition of a rule with <c>mcp:</c> may use. What a tools/call knows: the caller from the
/// credential, the server, the tool and its arguments. What only an exchange knows (user claims, requested
/// authorization_details, evidence, rate counts, delegation depth) is absent, so a condition reading it fails at load.
/// </summary>
public static class McpCallContext
{
    /// <summary>The <c>mcp</c> variable: <c>{server: string, tool: string, arguments: map(string, dyn)}</c>.</summary>
    public static CelType McpType { get; } = CelType.ObjectOf("mcp", new Dictionary<string, CelType>
    {
        ["server"] = CelType.String,
        ["tool"] = CelType.String,
        ["arguments"] = CelType.MapOf(CelType.Dyn),
    });

    /// <summary>The variables of an MCP rule's condition, with their types.</summary>
    public static CelEnvironment Environment { get; } = new(new Dictionary<string, CelType>(StringComparer.Ordinal)
    {
        ["agent"] = CelType.ObjectOf("agent", new Dictionary<string, CelType> { ["id"] = CelType.String }),
        ["run"] = CelType.ObjectOf("run", new Dictionary<string, CelType> { ["id"] = CelType.String }),
        ["tenant"] = CelType.String,
        ["subject"] = CelType.String,
        ["user"] = CelType.ObjectOf("user", new Dictionary<string, CelType> { ["id"] = CelType.String, ["tenant"] = CelType.String }),
        ["tool"] = CelType.String,
        ["scopes"] = CelType.ListOf(CelType.String),
        ["environment"] = CelType.String,
        ["now"] = CelType.Timestamp,
        ["mcp"] = McpType,
    });

    /// <summary>Builds the variables for one call. Background work has a user with empty id and tenant.</summary>
    public static IReadOnlyDictionary<string, object?> Build(McpCallInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var isUser = input.Subject == SubjectKind.User;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["agent"] = new Dictionary<string, object?> { ["id"] = input.Agent },
            ["run"] = new Dictionary<string, object?> { ["id"] = input.RunId },
            ["tenant"] = input.Tenant,
            ["subject"] = isUser ? "user" : "agent",
            ["user"] = new Dictionary<string, object?> { ["id"] = input.User ?? "", ["tenant"] = isUser ? input.Tenant : "" },
            ["tool"] = input.Server,
            ["scopes"] = input.Scopes.Select(s => (object?)s).ToList(),
            ["environment"] = input.Environment,
            ["now"] = input.Now,
            ["mcp"] = new Dictionary<string, object?>
            {
                ["server"] = input.Server,
                ["tool"] = input.Tool,
                ["arguments"] = input.Arguments,
            },
        };
    }
}
