namespace Mandate.Mcp;

/// <summary>JSON-RPC method names of MCP that an intermediary treats specially.</summary>
public static class McpMethods
{
    /// <summary>Calls one tool; the only method the gateway decides per call.</summary>
    public const string ToolsCall = "tools/call";

    /// <summary>Lists tools; the gateway filters the answer.</summary>
    public const string ToolsList = "tools/list";

    /// <summary>Reads a resource; its <c>params.uri</c> is mirrored in <c>Mcp-Name</c>.</summary>
    public const string ResourcesRead = "resources/read";

    /// <summary>Gets a prompt; its <c>params.name</c> is mirrored in <c>Mcp-Name</c>.</summary>
    public const string PromptsGet = "prompts/get";

    /// <summary>Whether the 2026-07-28 transport requires <c>Mcp-Name</c> for <paramref name="method"/>.</summary>
    public static bool RequiresNameHeader(string method) =>
        method is ToolsCall or ResourcesRead or PromptsGet;
}
