using System.Text;

namespace Mandate.ResourceServer;

/// <summary>MCP 2026-07-28 "value encoding": <c>Mcp-Name</c> values outside plain ASCII arrive as <c>=?base64?…?=</c>.</summary>
internal static class McpHeaderValue
{
    private const string Prefix = "=?base64?";
    private const string Suffix = "?=";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The value a client meant, or null when it is not a valid header value (bad characters, bad Base64, bad UTF-8).</summary>
    public static string? Decode(string value)
    {
        // RFC 9110 §5.5: visible ASCII, space and tab only.
        if (value.Any(c => c is not ('\t' or (>= ' ' and <= '~'))))
        {
            return null;
        }

        // The markers are case-sensitive; anything else is the plain value itself.
        if (value.Length < Prefix.Length + Suffix.Length || !value.StartsWith(Prefix, StringComparison.Ordinal) || !value.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return value;
        }

        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(value[Prefix.Length..^Suffix.Length]));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
