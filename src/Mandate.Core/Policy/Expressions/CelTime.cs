using System.Globalization;

namespace Mandate.Core.Policy.Expressions;

/// <summary>Parsing of timestamps (RFC 3339) and durations (CEL/Go style: <c>1h30m</c>, <c>90s</c>, <c>250ms</c>).</summary>
internal static class CelTime
{
    public static bool TryParseTimestamp(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(
            text,
            ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal,
            out value) && (text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-');

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Length is 0 or > 64)
        {
            return false;
        }

        var negative = text[0] == '-';
        var i = negative ? 1 : 0;
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

            decimal? seconds = text[unitStart..i] switch
            {
                "h" => 3600m,
                "m" => 60m,
                "s" => 1m,
                "ms" => 0.001m,
                "us" => 0.000001m,
                "ns" => 0.000000001m,
                _ => null,
            };
            if (seconds is null)
            {
                return false;
            }

            total += number * seconds.Value;
            if (total > 315_576_000_000m)
            {
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)(total * TimeSpan.TicksPerSecond) * (negative ? -1 : 1));
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
