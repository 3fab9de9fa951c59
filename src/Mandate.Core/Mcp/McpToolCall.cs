using System.Text.Json;

namespace Mandate.Core.Mcp;

/// <summary>
/// One <c>tools/call</c> as the gateway read it: <paramref name="Server"/> is the Mandate tool (mandate.yaml) fronting
/// the MCP server, <paramref name="Tool"/> the MCP tool name, <paramref name="Arguments"/> the call's
/// <c>params.arguments</c> (an object; an absent member is an empty object).
/// </summary>
public sealed record McpToolCall(string Server, string Tool, JsonElement Arguments);
