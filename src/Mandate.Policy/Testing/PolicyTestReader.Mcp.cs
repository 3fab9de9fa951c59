using YamlDotNet.RepresentationModel;

namespace Mandate.Policy.Testing;

/// <summary>
/// A case whose request has <c>mcp: {tool: refund, arguments: {amount: 250}}</c> decides an MCP tools/call of the
/// request's <c>tool</c> (the MCP server) by the caller the request describes, as the gateway would.
/// </summary>
public static partial class PolicyTestReader
{
    private static McpCallInput? ReadMcpCall(YamlMappingNode r, string environment)
    {
        if (!r.Children.TryGetValue("mcp", out var node))
        {
            return null;
        }

        if (node is not YamlMappingNode mcp || Scalar(mcp, "tool") is not { Length: > 0 } tool)
        {
            throw new FormatException("mcp must be a mapping with the MCP 'tool' and optional 'arguments', e.g. {tool: refund, arguments: {amount: 250}}");
        }

        var arguments = mcp.Children.TryGetValue("arguments", out var a) ? YamlValues.ToValue(a) : new Dictionary<string, object?>();
        if (arguments is not IReadOnlyDictionary<string, object?> map)
        {
            throw new FormatException("mcp.arguments must be a mapping (the call's params.arguments)");
        }

        var input = ReadRequest(r, environment);
        return new McpCallInput
        {
            Agent = input.Agent,
            Server = input.Tool,
            Tool = tool,
            Arguments = map,
            Tenant = input.Tenant,
            Subject = input.Subject,
            User = input.User,
            RunId = input.RunId ?? "",
            Scopes = input.Scopes,
            Environment = input.Environment,
            Now = input.Now,
        };
    }
}
