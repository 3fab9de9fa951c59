using System.Globalization;

namespace Mandate.Core.Configuration;

/// <summary>Durations as written in Mandate's YAML: a positive integer and a unit, e.g. <c>90s</c>, <c>5m</c>, <c>24h</c>, <c>7d</c>.</summary>
public static class Duration
{
    /// <summary>How to write one, for refusals.</summary>
    public const string Rule = "write a number and a unit, e.g. 90s, 5m, 1h";

    /// <summary>The largest number a duration may count, whatever its unit (<c>10000000d</c> is about 27,000 years).</summary>
    public const long MaxCount = 10_000_000;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        var unit = text[^1];
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > MaxCount)
        {
            return false;
        }

        value = unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return value > TimeSpan.Zero;
    }

    /// <summary>
    /// True when <paramref name="text"/> is written as a duration but counts more than <see cref="MaxCount"/>, so a refusal
    /// can say "too long" instead of "not a duration".
    /// </summary>
    public static bool IsTooLong(string? text) =>
        text is { Length: >= 2 } && text[^1] is ('s' or 'm' or 'h' or 'd') && text[..^1].All(char.IsAsciiDigit) && text[..^1].TrimStart('0').Length > 0
        && !TryParse(text, out _);

    /// <summary>Formats the way it is written, using the largest whole unit.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalDays >= 1 && value.TotalDays % 1 == 0 ? $"{value.TotalDays:0}d"
        : value.TotalHours >= 1 && value.TotalHours % 1 == 0 ? $"{value.TotalHours:0}h"
        : value.TotalMinutes >= 1 && value.TotalMinutes % 1 == 0 ? $"{value.TotalMinutes:0}m"
        : $"{value.TotalSeconds:0}s";
}
