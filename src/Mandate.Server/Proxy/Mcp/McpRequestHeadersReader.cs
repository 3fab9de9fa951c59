using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>The request metadata headers of one POST; a header sent more than once is marked, never joined.</summary>
internal static class McpRequestHeadersReader
{
    public static McpRequestHeaders Read(HttpRequest request)
    {
        string? malformed = null;
        string? Single(string name)
        {
            var values = request.Headers[name];
            if (values.Count > 1)
            {
                malformed ??= name;
            }

            return values.Count == 1 ? values[0] : null;
        }

        var headers = new McpRequestHeaders(Single(McpHeaderNames.ProtocolVersion), Single(McpHeaderNames.Method), Single(McpHeaderNames.Name));
        return headers with { Malformed = malformed };
    }
}
