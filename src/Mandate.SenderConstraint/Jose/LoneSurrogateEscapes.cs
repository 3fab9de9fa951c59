using System.Buffers.Text;

namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// Finds a <c>\uD800</c>–<c>\uDFFF</c> escape that is not half of a pair. I-JSON (RFC 7493 §2.1) forbids such
/// strings and RFC 8259 §8.2 leaves their meaning open; System.Text.Json parses them but throws when one is read,
/// so a JWT carrying one is refused as malformed before any claim is read.
/// </summary>
internal static class LoneSurrogateEscapes
{
    /// <summary>True when <paramref name="json"/> escapes a lone surrogate; other malformed escapes are the parser's to refuse.</summary>
    public static bool Present(ReadOnlySpan<byte> json)
    {
        // Backslashes appear only inside strings, and most tokens have none: the loop usually never runs.
        var i = json.IndexOf((byte)'\\');
        while (i >= 0 && i < json.Length)
        {
            if (json[i] != '\\')
            {
                i++;
                continue;
            }

            if (!TryReadEscapedUnit(json, i, out var unit))
            {
                i += 2;
                continue;
            }

            i += 6;
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return true;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (!TryReadEscapedUnit(json, i, out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    return true;
                }

                i += 6;
            }
        }

        return false;
    }

    /// <summary>Reads <c>\uXXXX</c> at <paramref name="at"/>.</summary>
    private static bool TryReadEscapedUnit(ReadOnlySpan<byte> json, int at, out ushort unit)
    {
        unit = 0;
        return at + 6 <= json.Length
            && json[at] == '\\'
            && json[at + 1] == 'u'
            && Utf8Parser.TryParse(json.Slice(at + 2, 4), out unit, out var consumed, 'x')
            && consumed == 4;
    }
}
