using System.Globalization;
using System.Text;

namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// The one definition of text Mandate accepts as an identity value (a subject, tenant, agent, run or token id)
/// that becomes a principal or is copied into an issued credential or an audit record. Values come from
/// tokens other parties signed, so anything that could forge a log line, split a header or reorder what an
/// operator reads is refused rather than cleaned: no control characters (C0, DEL, C1, so no CR/LF),
/// no format characters (bidirectional overrides and isolates, zero-width characters, BOM), no line or
/// paragraph separators (U+2028/U+2029), no unpaired surrogates; 1 to <see cref="MaxLength"/> UTF-16 units.
/// </summary>
public static class IdentityText
{
    /// <summary>Longest identity value accepted, in UTF-16 code units (the SPIFFE ID limit).</summary>
    public const int MaxLength = 2048;

    /// <summary>The rule in words, for error descriptions.</summary>
    public const string Rule = "1 to 2048 characters with no control characters (CR, LF, tab, other C0 or C1 controls, DEL), "
        + "no bidirectional or zero-width format characters and no line or paragraph separators";

    /// <summary>True when <paramref name="value"/> may be used as an identity value.</summary>
    public static bool IsAllowed(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done || !IsAllowed(rune))
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    private static bool IsAllowed(Rune rune) => Rune.GetUnicodeCategory(rune) is not (
        UnicodeCategory.Control // C0, DEL, C1
        or UnicodeCategory.Format // U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF, ...
        or UnicodeCategory.LineSeparator // U+2028
        or UnicodeCategory.ParagraphSeparator); // U+2029
}
