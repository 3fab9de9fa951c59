using Microsoft.Extensions.Primitives;

namespace Mandate.Server.Telemetry;

/// <summary>
/// A caller's <c>tracestate</c> checked against W3C Trace Context §3.3 before it is continued and carried to a tool:
/// at most 32 list-members, each key and value in the grammar, no key twice. One that does not parse is discarded
/// whole (a MAY), as the OpenTelemetry SDK does when telemetry is on; the caller's <c>traceparent</c> still holds.
/// </summary>
internal static class TraceStateList
{
    private const int MaxMembers = 32;
    private const int MaxValueLength = 256;

    /// <summary>The combined header (§3.3.1.2: several fields joined in order), or null when absent or not valid.</summary>
    public static string? Valid(StringValues fields)
    {
        if (fields.Count == 0)
        {
            return null;
        }

        var combined = fields.ToString();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in combined.Split(','))
        {
            var member = raw.Trim(' ', '\t');
            if (member.Length == 0)
            {
                continue; // an empty list-member is allowed and ignored
            }

            var equals = member.IndexOf('=');
            if (equals < 0 || !IsKey(member.AsSpan(0, equals)) || !IsValue(member.AsSpan(equals + 1))
                || !keys.Add(member[..equals]) || keys.Count > MaxMembers)
            {
                return null;
            }
        }

        return keys.Count == 0 ? null : combined;
    }

    // key = simple-key / multi-tenant-key; simple-key = lcalpha 0*255(keychar); multi-tenant-key = tenant-id "@" system-id,
    // tenant-id = (lcalpha / DIGIT) 0*240(keychar), system-id = lcalpha 0*13(keychar).
    private static bool IsKey(ReadOnlySpan<char> key)
    {
        var at = key.IndexOf('@');
        return at < 0
            ? IsKeyPart(key, maxLength: 256, firstMayBeDigit: false)
            : IsKeyPart(key[..at], maxLength: 241, firstMayBeDigit: true) && IsKeyPart(key[(at + 1)..], maxLength: 14, firstMayBeDigit: false);
    }

    private static bool IsKeyPart(ReadOnlySpan<char> part, int maxLength, bool firstMayBeDigit)
    {
        if (part.Length == 0 || part.Length > maxLength || !(char.IsAsciiLetterLower(part[0]) || (firstMayBeDigit && char.IsAsciiDigit(part[0]))))
        {
            return false;
        }

        foreach (var c in part[1..])
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '*' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr.
    private static bool IsValue(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || value.Length > MaxValueLength || value[^1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or ',' or '=')
            {
                return false;
            }
        }

        return true;
    }
}
