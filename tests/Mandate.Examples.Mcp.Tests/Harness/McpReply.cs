using System.Text.Json;

namespace Mandate.Examples.Mcp.Tests.Harness;

/// <summary>An answer of the MCP endpoint: status, Bearer challenge and body.</summary>
public sealed record McpReply(int Status, string Bearer, string Body, string? ContentType)
{
    public static async Task<McpReply> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var bearer = response.Headers.TryGetValues("WWW-Authenticate", out var values)
            ? values.FirstOrDefault(v => v.StartsWith("Bearer ", StringComparison.Ordinal)) ?? ""
            : "";
        return new McpReply((int)response.StatusCode, bearer, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A quoted parameter of the Bearer challenge, or null.</summary>
    public string? Parameter(string name)
    {
        foreach (var part in Bearer["Bearer ".Length..].Split("\", "))
        {
            var equals = part.IndexOf("=\"", StringComparison.Ordinal);
            if (equals > 0 && part[..equals] == name)
            {
                return part[(equals + 2)..].TrimEnd('"');
            }
        }

        return null;
    }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The JSON-RPC error code of the body.</summary>
    public int RpcCode => Json.GetProperty("error").GetProperty("code").GetInt32();
}
