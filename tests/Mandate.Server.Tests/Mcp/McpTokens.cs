using System.Buffers.Text;
using System.Text.Json;

namespace Mandate.Server.Tests.Mcp;

/// <summary>Reads a claim of a JWT the test holds (already issued by the broker; no validation needed here).</summary>
internal static class McpTokens
{
    public static string Claim(string jwt, string name)
    {
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]));
        var value = payload.RootElement.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }
}
