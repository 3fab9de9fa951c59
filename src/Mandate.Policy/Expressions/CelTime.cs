using System.Globalization;

namespace Mandate.Policy.Expressions;

/// <summary>Parsing of timestamps (RFC 3339, to the nanosecond) and durations (CEL/Go style: <c>1h30m</c>, <c>90s</c>, <c>250ms</c>).</summary>
internal static class CelTime
{
    /// <summary>
    /// RFC 3339 with an optional fraction of up to nine digits (nanoseconds) and <c>Z</c> or a numeric offset,
    /// within CEL's range (years 0001-9999 in UTC).
    /// </summary>
    public static bool TryParseTimestamp(string text, out CelTimestamp value)
    {
        value = default;
        var fractionStart = text.IndexOf('.', StringComparison.Ordinal);
        var zoneStart = text.IndexOfAny(['Z', 'z', '+'], Math.Max(fractionStart, 0));
        if (zoneStart < 0 && text.Length > 6 && text[^6] == '-')
        {
            zoneStart = text.Length - 6;
        }

        if (zoneStart < 0)
        {
            return false;
        }

        long nanos = 0;
        var withoutFraction = text;
        if (fractionStart >= 0)
        {
            var digits = text[(fractionStart + 1)..zoneStart];
            if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit))
            {
                return false;
            }

            nanos = long.Parse(digits.PadRight(9, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
            withoutFraction = text[..fractionStart] + text[zoneStart..];
        }

        if (!DateTimeOffset.TryParseExact(withoutFraction, "yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture, DateTimeStyles.None, out var whole))
        {
            return false;
        }

        if (CelTimestamp.Create((Int128)whole.ToUnixTimeSeconds() * CelDuration.NanosecondsPerSecond + nanos) is not CelTimestamp t)
        {
            return false;
        }

        value = t;
        return true;
    }

    /// <summary>
    /// A sequence of decimal numbers with units (<c>h m s ms us ns</c>), optionally signed, e.g. <c>1h30m</c>,
    /// <c>1.5s</c>, <c>-1ns</c>; exact to the nanosecond and within CEL's duration range.
    /// </summary>
    public static bool TryParseDuration(string text, out CelDuration value)
    {
        value = default;
        if (text.Length is 0 or > 64)
        {
            return false;
        }

        var negative = text[0] == '-';
        var i = negative || text[0] == '+' ? 1 : 0;
        if (i >= text.Length)
        {
            return false;
        }

        if (text[i..] == "0")
        {
            return true;
        }

        decimal total = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (!decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            decimal? nanoseconds = text[unitStart..i] switch
            {
                "h" => 3_600_000_000_000m,
                "m" => 60_000_000_000m,
                "s" => 1_000_000_000m,
                "ms" => 1_000_000m,
                "us" => 1_000m,
                "ns" => 1m,
                _ => null,
            };
            if (nanoseconds is null)
            {
                return false;
            }

            // Checked before multiplying: a long enough number of hours overflows even a decimal.
            if (number > ((decimal)long.MaxValue + 1) / nanoseconds.Value)
            {
                return false;
            }

            total += number * nanoseconds.Value;
            if (total > (decimal)long.MaxValue + 1)
            {
                return false;
            }
        }

        // Fractions of a nanosecond are dropped, as CEL implementations do.
        total = decimal.Truncate(negative ? -total : total);
        if (total < long.MinValue || total > long.MaxValue)
        {
            return false;
        }

        value = new CelDuration((long)total);
        return true;
    }

    public static TimeZoneInfo? FindZone(string name)
    {
        if (name is "UTC" or "Z")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }
}
