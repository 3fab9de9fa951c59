using System.Text;

namespace Mandate.SenderConstraint;

/// <summary>
/// The one character rule for text a client reads in an OAuth error: <c>error</c> and <c>error_description</c>
/// (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E) and the quoted values of a <c>WWW-Authenticate</c> challenge
/// (RFC 6750 §3 applies the same set, which also keeps a quoted-string free of <c>"</c> and <c>\</c>). Every writer
/// of errors and challenges (the broker, its proxy and the resource-server library) passes its text through here,
/// so a description can never carry a quote, a backslash, a control character or non-ASCII, whatever it was built from.
/// </summary>
public static class OAuthErrorText
{
    /// <summary>Longest text written; a description names a rule and a fix, it never needs more.</summary>
    public const int MaxLength = 1024;

    /// <summary>True when <paramref name="c"/> is within RFC 6749 §5.2's set.</summary>
    public static bool IsAllowed(char c) => c is (>= '\x20' and <= '\x21') or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E');

    /// <summary>True when every character of <paramref name="text"/> is allowed.</summary>
    public static bool IsAllowed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="text"/> within the allowed set: common typography becomes its ASCII spelling (§ "section",
    /// … "...", dashes "-", curly quotes '), <c>"</c> becomes <c>'</c>, <c>\</c> becomes <c>/</c>, control characters
    /// a space, anything else <c>?</c>. Over <see cref="MaxLength"/> it is cut and ends in "...".
    /// </summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (text.Length <= MaxLength && IsAllowed(text))
        {
            return text;
        }

        var result = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            result.Append(Replacement(rune));
            if (result.Length > MaxLength)
            {
                result.Length = MaxLength - 3;
                result.Append("...");
                break;
            }
        }

        return result.ToString();
    }

    private static string Replacement(Rune rune) => rune.Value switch
    {
        '"' or '\u201C' or '\u201D' or '\u2018' or '\u2019' => "'",
        '\\' => "/",
        '\u00A7' => "section ",
        '\u2026' => "...",
        '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212' => "-",
        '\u2192' => "->",
        '\u00A0' => " ",
        _ when rune.IsAscii && IsAllowed((char)rune.Value) => ((char)rune.Value).ToString(),
        _ when Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) => " ",
        _ => "?",
    };
}
