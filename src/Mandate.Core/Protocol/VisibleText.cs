using System.Text;

namespace Mandate.Core.Protocol;

/// <summary>
/// Text shown to a person (a terminal, a console page) with every character that could change how the rest reads
/// written out as <c>\u202E</c>: controls (cursor moves, colours, line breaks), bidirectional overrides, isolates and
/// marks (which reorder what follows: "Trojan Source"), and the line and paragraph separators. Agents choose much of
/// what an operator reads (tool names, approval details, call arguments); they must not choose how it looks.
/// </summary>
public static class VisibleText
{
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAny(Unsafe))
        {
            return text;
        }

        var shown = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (Unsafe.Contains(c))
            {
                shown.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(UnsafeCharacters());

    private static string UnsafeCharacters()
    {
        var set = new StringBuilder();
        for (var c = '\0'; c < '\u00A0'; c++)
        {
            if (char.IsControl(c))
            {
                set.Append(c);
            }
        }

        set.Append("\u061C\u200E\u200F\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");
        return set.ToString();
    }
}
