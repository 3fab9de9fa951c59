using System.Globalization;
using System.Text.RegularExpressions;
using Mandate.Core.Configuration;

namespace Mandate.Core.Audit;

/// <summary>
/// A <c>since</c> or <c>until</c> bound of an audit query as an operator writes it: an RFC 3339 date-time with its
/// offset (<c>2026-12-05T14:00:00Z</c>, <c>2026-12-05T15:00:00.5+01:00</c>), or a duration meaning that long before now
/// (<c>15m</c>, <c>2h</c>, <c>7d</c>). A time without an offset is refused: read in the server's zone or the
/// operator's, it would select a different hour of records without saying so.
/// </summary>
public static partial class AuditTimeBound
{
    /// <summary>What a bound may be, for error messages.</summary>
    public const string Expected = "an RFC 3339 date-time with an offset (e.g. 2026-12-05T14:00:00Z) or a duration before now (e.g. 15m, 2h, 7d)";

    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        if (Duration.TryParse(text, out var ago))
        {
            // A duration longer than the calendar reaches back means "from the beginning".
            value = ago < now - DateTimeOffset.MinValue ? now - ago : DateTimeOffset.MinValue;
            return true;
        }

        return DateTime3339().IsMatch(text)
            && DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>
    /// <paramref name="text"/> read as a bound when given: false only when it is given and cannot be read, and
    /// <paramref name="value"/> is null when it is not given.
    /// </summary>
    public static bool TryParseOptional(string? text, DateTimeOffset now, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (!TryParse(text, now, out var bound))
        {
            return false;
        }

        value = bound;
        return true;
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex DateTime3339();
}
