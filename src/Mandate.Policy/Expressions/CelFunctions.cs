using System.Globalization;
using System.Text.RegularExpressions;

namespace Mandate.Policy.Expressions;

/// <summary>Run-time implementations of the built-in functions. Arguments are never errors here.</summary>
internal static class CelFunctions
{
    public static object? Invoke(CelCall call, IReadOnlyList<object?> all, CelLimits limits)
    {
        switch (call.Function, all.Count)
        {
            case ("size", 1):
                return all[0] switch
                {
                    string s => (long)s.Length,
                    IReadOnlyList<object?> l => (long)l.Count,
                    IReadOnlyDictionary<string, object?> m => (long)m.Count,
                    var v => NoOverload(call, v),
                };
            case ("startsWith", 2) when all[0] is string s && all[1] is string p:
                return s.StartsWith(p, StringComparison.Ordinal);
            case ("endsWith", 2) when all[0] is string s && all[1] is string p:
                return s.EndsWith(p, StringComparison.Ordinal);
            case ("contains", 2) when all[0] is string s && all[1] is string p:
                return s.Contains(p, StringComparison.Ordinal);
            case ("matches", 2) when all[0] is string s && all[1] is string p:
                return Matches(call, s, p, limits);
            case ("lowerAscii", 1) when all[0] is string s:
                return string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) { span[i] = char.IsAsciiLetterUpper(src[i]) ? (char)(src[i] | 0x20) : src[i]; } });
            case ("upperAscii", 1) when all[0] is string s:
                return string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) { span[i] = char.IsAsciiLetterLower(src[i]) ? (char)(src[i] & ~0x20) : src[i]; } });
            case ("timestamp", 1):
                return all[0] switch
                {
                    CelTimestamp t => t,
                    string s when CelTime.TryParseTimestamp(s, out var t) => t,
                    var v => new CelError($"timestamp() cannot parse {CelValues.Format(v)}"),
                };
            case ("duration", 1):
                return all[0] switch
                {
                    CelDuration d => d,
                    string s when CelTime.TryParseDuration(s, out var d) => d,
                    var v => new CelError($"duration() cannot parse {CelValues.Format(v)}"),
                };
            case ("int", 1):
                return ToInt(all[0]);
            case ("double", 1):
                return all[0] switch
                {
                    long l => (double)l,
                    double d => d,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                    var v => new CelError($"double() cannot convert {CelValues.Format(v)}"),
                };
            case ("string", 1):
                return all[0] switch
                {
                    string s => s,
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    CelTimestamp t => t.ToString(),
                    CelDuration d => d.ToString(),
                    var v => new CelError($"string() cannot convert {CelValues.TypeName(v)}"),
                };
            default:
                if (CelFunctionTypes.TimeParts.Contains(call.Function) && all.Count is 1 or 2)
                {
                    return TimePart(call, all);
                }

                return NoOverload(call, all.Count > 0 ? all[0] : null);
        }
    }

    private static object Matches(CelCall call, string input, string pattern, CelLimits limits)
    {
        try
        {
            var regex = call.CompiledPattern
                ?? new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, limits.RegexTimeout);
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return new CelError($"matches() took longer than {limits.RegexTimeout.TotalMilliseconds} ms", isLimit: true);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // .NET's message quotes the pattern, which may be the caller's.
            return new CelError($"matches(): invalid regular expression ({QuotedText.Capped(e.Message, 2 * QuotedText.MaxQuotedValue)})");
        }
    }

    private static object ToInt(object? value)
    {
        switch (value)
        {
            case long l:
                return l;
            // CEL: the double must lie strictly inside the int range. Both bounds are exclusive because
            // (double)long.MinValue and (double)long.MaxValue are -2^63 and 2^63 exactly.
            case double d when double.IsFinite(d) && d > long.MinValue && d < long.MaxValue:
                return (long)Math.Truncate(d);
            case string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return l;
            case CelTimestamp t:
                return t.Seconds;
            case CelDuration d:
                return d.Nanoseconds / CelDuration.NanosecondsPerSecond;
            default:
                return new CelError($"int() cannot convert {CelValues.Format(value)}");
        }
    }

    private static object TimePart(CelCall call, IReadOnlyList<object?> all)
    {
        if (all[0] is CelDuration d && all.Count == 1)
        {
            // Hours, minutes and seconds are whole totals; milliseconds is the part within the second (CEL).
            return call.Function switch
            {
                "getHours" => d.Nanoseconds / (3600 * CelDuration.NanosecondsPerSecond),
                "getMinutes" => d.Nanoseconds / (60 * CelDuration.NanosecondsPerSecond),
                "getSeconds" => d.Nanoseconds / CelDuration.NanosecondsPerSecond,
                "getMilliseconds" => d.Nanoseconds % CelDuration.NanosecondsPerSecond / 1_000_000,
                _ => NoOverload(call, d),
            };
        }

        if (all[0] is not CelTimestamp timestamp)
        {
            return NoOverload(call, all[0]);
        }

        var t = timestamp.ToDateTimeOffset();

        if (all.Count == 2)
        {
            if (all[1] is not string zoneName || CelTime.FindZone(zoneName) is not { } zone)
            {
                return new CelError($"{call.Function}(): unknown time zone {CelValues.Format(all[1])}");
            }

            t = TimeZoneInfo.ConvertTime(t, zone);
        }
        else
        {
            t = t.ToUniversalTime();
        }

        // CEL numbering: months and day-of-month from 0, getDate from 1, Sunday = 0.
        return call.Function switch
        {
            "getHours" => (long)t.Hour,
            "getMinutes" => (long)t.Minute,
            "getSeconds" => (long)t.Second,
            "getMilliseconds" => (long)timestamp.Nanos / 1_000_000,
            "getDayOfWeek" => (long)t.DayOfWeek,
            "getFullYear" => (long)t.Year,
            "getMonth" => (long)t.Month - 1,
            "getDate" => (long)t.Day,
            "getDayOfMonth" => (long)t.Day - 1,
            _ => (long)t.DayOfYear - 1,
        };
    }

    private static CelError NoOverload(CelCall call, object? value) =>
        new($"no such overload: {call.Function}() on {CelValues.TypeName(value)}");
}
