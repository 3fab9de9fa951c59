using System.Globalization;

namespace Mandate.Policy;

/// <summary>
/// Parses <c>max_lifetime</c> values: a positive whole number and one unit, <c>s</c>, <c>m</c> or
/// <c>h</c> (<c>90s</c>, <c>5m</c>, <c>1h</c>). Deliberately narrower than ISO 8601 or TimeSpan
/// text: one obvious spelling keeps reviews of lifetime changes easy.
/// </summary>
internal static class PolicyDuration
{
    // Nine digits keeps amount * 3600 far inside a long; anything that long is rejected below anyway.
    private const int MaxDigits = 9;

    // A policy may only shorten lifetimes; a value beyond a year is a typo, not a cap.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = default;
        error = null;
        if (text.Length < 2)
        {
            error = $"'{text}' is not a duration; write a whole number and a unit s, m or h (e.g. 90s, 5m, 1h)";
            return false;
        }

        long unitSeconds = text[^1] switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 0,
        };
        var digits = text.AsSpan(0, text.Length - 1);
        if (unitSeconds == 0
            || digits.Length > MaxDigits
            || digits.ContainsAnyExceptInRange('0', '9')
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            error = $"'{text}' is not a duration; write a whole number and a unit s, m or h (e.g. 90s, 5m, 1h)";
            return false;
        }

        if (amount == 0)
        {
            error = $"'{text}' must be greater than zero";
            return false;
        }

        var seconds = amount * unitSeconds;
        if (seconds > (long)Longest.TotalSeconds)
        {
            error = $"'{text}' is longer than a year; max_lifetime caps short-lived credentials";
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The shortest exact spelling: <c>1h</c>, <c>15m</c>, <c>90s</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)value.TotalHours}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)value.TotalMinutes}m"
        : $"{(long)value.TotalSeconds}s";
}
