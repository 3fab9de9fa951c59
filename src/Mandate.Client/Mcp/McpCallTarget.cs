using Mandate.Mcp;

namespace Mandate.Client;

/// <summary>
/// Which MCP tool a request calls: <c>params.name</c> of a <c>tools/call</c> body, read as the MCP server and the
/// Mandate gateway read it (their <c>Mcp-Method</c>/<c>Mcp-Name</c> must agree with it, or they refuse the request).
/// Null when it calls no tool or is not one readable JSON-RPC message (the server answers that).
/// </summary>
internal static class McpCallTarget
{
    public static async Task<string?> ToolAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return null;
        }

        var message = McpMessageReader.Read(await request.Content.ReadAsByteArrayAsync(cancellationToken), out var error);
        return error is null && message.Method == McpMethods.ToolsCall ? message.Name : null;
    }
}
