using System.Text;

namespace Mandate.Mcp;

/// <summary>
/// Header values of the request metadata (streamable HTTP §Value Encoding): plain visible ASCII, or the Base64
/// sentinel <c>=?base64?…?=</c> (markers case-sensitive) carrying UTF-8.
/// </summary>
public static class McpHeaderValue
{
    private const string SentinelPrefix = "=?base64?";
    private const string SentinelSuffix = "?=";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Decodes <paramref name="raw"/>: a sentinel value is Base64-decoded (strict alphabet, valid UTF-8); a plain value
    /// must be RFC 9110 field-value characters (visible ASCII, space, tab). Returns false for anything else.
    /// </summary>
    public static bool TryDecode(string raw, bool allowSentinel, out string value)
    {
        value = string.Empty;
        if (!IsFieldValue(raw))
        {
            return false;
        }

        if (!allowSentinel || !IsSentinel(raw))
        {
            value = raw;
            return true;
        }

        var encoded = raw.AsSpan(SentinelPrefix.Length, raw.Length - SentinelPrefix.Length - SentinelSuffix.Length);
        if (encoded.Length % 4 != 0 || !IsBase64Alphabet(encoded))
        {
            return false;
        }

        var bytes = new byte[encoded.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return false;
        }

        try
        {
            value = StrictUtf8.GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="raw"/> uses the Base64 sentinel (exact lowercase markers).</summary>
    public static bool IsSentinel(string raw) =>
        raw.Length >= SentinelPrefix.Length + SentinelSuffix.Length &&
        raw.StartsWith(SentinelPrefix, StringComparison.Ordinal) &&
        raw.EndsWith(SentinelSuffix, StringComparison.Ordinal);

    private static bool IsFieldValue(string raw)
    {
        foreach (var c in raw)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBase64Alphabet(ReadOnlySpan<char> encoded)
    {
        var padding = 0;
        foreach (var c in encoded)
        {
            if (c == '=')
            {
                padding++;
            }
            else if (padding > 0 || !(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }

        return padding <= 2;
    }
}
