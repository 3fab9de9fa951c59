using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mandate.Bench.Mcp;

/// <summary>One 2026-07-28 tools/call of lookup_order as a raw HTTP POST, and the check that its answer is a successful result.</summary>
internal static class McpCall
{
    private const string ProtocolVersion = "2026-07-28";

    private static readonly string Body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"orderId\":\"o-1\"},"
        + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + ProtocolVersion + "\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"mandate-bench\",\"version\":\"1\"},\"io.modelcontextprotocol/clientCapabilities\":{}}}}";

    public static HttpRequestMessage Request(Uri endpoint, string? credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", ProtocolVersion);
        request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/call");
        request.Headers.TryAddWithoutValidation("Mcp-Name", "lookup_order");
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        return request;
    }

    /// <summary>Throws unless <paramref name="text"/> (a JSON object or an SSE stream) carries the result of request 1 with the tool's answer.</summary>
    public static void EnsureResult(Uri endpoint, int status, string? mediaType, string text)
    {
        var message = mediaType == "text/event-stream" ? LastData(text) : text;
        if (status != 200 || message is null)
        {
            throw new InvalidOperationException($"{endpoint} answered {status} ({mediaType}): {text}");
        }

        using var json = JsonDocument.Parse(message);
        var root = json.RootElement;
        var ok = root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 1
            && root.TryGetProperty("result", out var result)
            && !(result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
            && result.GetProperty("content")[0].GetProperty("text").GetString() == "order o-1: shipped";
        if (!ok)
        {
            throw new InvalidOperationException($"{endpoint} answered no successful result: {text}");
        }
    }

    /// <summary>The data of the last SSE event that has any (the response to the request comes last).</summary>
    private static string? LastData(string stream)
    {
        string? last = null;
        foreach (var line in stream.Split('\n'))
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                last = line[5..].Trim();
            }
        }

        return last;
    }
}
