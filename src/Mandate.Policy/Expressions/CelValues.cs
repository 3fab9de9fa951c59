using System.Globalization;
using System.Text.Json;

namespace Mandate.Policy.Expressions;

/// <summary>
/// Run-time values: null, bool, long, double, string, <see cref="CelTimestamp"/>, <see cref="CelDuration"/>, <see cref="IReadOnlyList{T}"/> of values and string-keyed
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/> (maps and objects). Ints and doubles compare and mix
/// numerically, unlike strict CEL, because JSON (claims, authorization_details) does not tell them apart.
/// </summary>
public static class CelValues
{
    /// <summary>Largest JSON nesting converted; deeper values are cut off as an error value.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>The type name used in error messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "null",
        bool => "bool",
        long => "int",
        double => "double",
        string => "string",
        CelTimestamp => "timestamp",
        CelDuration => "duration",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "map",
        CelError => "error",
        _ => value.GetType().Name,
    };

    /// <summary>
    /// Converts JSON into run-time values (integral numbers become int, others double). JSON that escapes an
    /// unpaired surrogate (<c>"\ud800"</c>) is valid JSON but not Unicode text: it becomes an error value, so a
    /// condition over it fails closed instead of the request failing.
    /// </summary>
    public static object? FromJson(JsonElement element)
    {
        try
        {
            return Convert(element, 0);
        }
        catch (InvalidOperationException)
        {
            return new CelError("a JSON string escapes an unpaired surrogate; it is not Unicode text");
        }
    }

    private static object? Convert(JsonElement element, int depth)
    {
        if (depth > MaxJsonDepth)
        {
            return new CelError($"value nested deeper than {MaxJsonDepth} levels");
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var l) ? l : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(e => Convert(e, depth + 1)).ToList();
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = Convert(property.Value, depth + 1);
                }

                return map;
            default:
                return null;
        }
    }

    /// <summary>Heterogeneous equality: values of different types are unequal; ints and doubles compare numerically.</summary>
    public static bool Equal(object? a, object? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (null, _):
            case (_, null):
                return false;
            case (long x, long y):
                return x == y;
            case (long or double, long or double):
                return ToDouble(a) == ToDouble(b);
            case (IReadOnlyList<object?> x, IReadOnlyList<object?> y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!Equal(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y):
                return x.Count == y.Count && x.All(e => y.TryGetValue(e.Key, out var v) && Equal(e.Value, v));
            default:
                return a.Equals(b);
        }
    }

    /// <summary>Orders two values of comparable types, or returns null when they cannot be ordered.</summary>
    public static int? Compare(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        // double.CompareTo orders NaN below every number, so NaN <= 100 would be true: a NaN from the host
        // (a claim, a test file's .nan) cannot be ordered, as the docs promise no condition compares a non-number.
        (long or double, long or double) when double.IsNaN(ToDouble(a)) || double.IsNaN(ToDouble(b)) => null,
        (long or double, long or double) => ToDouble(a).CompareTo(ToDouble(b)),
        (string x, string y) => string.CompareOrdinal(x, y),
        (bool x, bool y) => x.CompareTo(y),
        (CelTimestamp x, CelTimestamp y) => x.CompareTo(y),
        (CelDuration x, CelDuration y) => x.CompareTo(y),
        _ => null,
    };

    /// <summary>A short, safe rendering of a value for explanations (strings quoted, long values cut).</summary>
    public static string Format(object? value)
    {
        var text = value switch
        {
            null => "null",
            bool b => b ? "true" : "false",
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            string s => "\"" + s + "\"",
            CelTimestamp t => $"timestamp(\"{t}\")",
            CelDuration d => $"duration(\"{d}\")",
            IReadOnlyList<object?> list => "[" + string.Join(", ", list.Take(5).Select(Format)) + (list.Count > 5 ? ", …" : "") + "]",
            IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", map.Take(5).Select(e => $"\"{e.Key}\": {Format(e.Value)}")) + (map.Count > 5 ? ", …" : "") + "}",
            CelError e => "error(" + e.Message + ")",
            _ => TypeName(value),
        };
        return QuotedText.Capped(text, QuotedText.MaxQuotedValue);
    }

    /// <summary>
    /// A value from the host (variables, claims) as a run-time value: instants and spans of time become
    /// <see cref="CelTimestamp"/> and <see cref="CelDuration"/>; everything else is already one.
    /// </summary>
    internal static object? FromHost(object? value) => value switch
    {
        DateTimeOffset t => CelTimestamp.FromDateTimeOffset(t),
        TimeSpan d => CelDuration.FromTimeSpan(d),
        _ => value,
    };

    internal static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        _ => double.NaN,
    };
}
