using System.Globalization;
using Mandate.Policy.Expressions;

namespace Mandate.Policy.Tests.Expressions.Conformance;

internal enum CelConformanceOutcome
{
    /// <summary>The subset compiled the expression and gave the expected value or error.</summary>
    Passed,

    /// <summary>The subset refused the expression (or a declaration it needs) at load: such a policy never loads.</summary>
    Refused,

    /// <summary>The subset compiled it, but evaluation gave something else.</summary>
    Diverged,

    /// <summary>Compiled, but the case has nothing the subset can compare (type-check-only cases, unknowns).</summary>
    CheckedOnly,
}

/// <summary>Runs one conformance case through <see cref="CelProgram"/> exactly as a policy condition would be.</summary>
internal static class CelConformanceRunner
{
    /// <summary>
    /// The policy limits, except a regex time limit long enough that a loaded test machine never turns a
    /// first (cold) match into a limit error: the cases test meaning, not the budget.
    /// </summary>
    private static readonly CelLimits Limits = CelLimits.Default with { RegexTimeout = TimeSpan.FromSeconds(10) };

    public static (CelConformanceOutcome Outcome, string Detail) Run(CelConformanceCase test)
    {
        if (test.Container is not null)
        {
            // Names resolved inside a protobuf package: a policy has no container to declare.
            return (CelConformanceOutcome.Refused, $"container '{test.Container}' has no equivalent in the subset");
        }

        var declared = new Dictionary<string, CelType>(StringComparer.Ordinal);
        foreach (var declaration in test.Declarations)
        {
            var name = declaration.Scalar("name")!;
            if (declaration.Message("ident")?.Message("type") is not { } typeMessage || ToType(typeMessage) is not { } type)
            {
                return (CelConformanceOutcome.Refused, $"declaration of '{name}' has no equivalent in the subset");
            }

            declared[name] = type;
        }

        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, binding) in test.Bindings)
        {
            if (binding.Message("value") is not { } value || !TryToValue(value, out var converted))
            {
                return (CelConformanceOutcome.Refused, $"binding of '{name}' has no equivalent in the subset");
            }

            variables[name] = converted;
            declared.TryAdd(name, CelType.Dyn);
        }

        var (program, problems) = CelProgram.Compile(test.Expression, new CelEnvironment(declared), Limits, requireBool: false);
        if (program is null)
        {
            return (CelConformanceOutcome.Refused, problems[0].ToString());
        }

        if (test.CheckOnly || test.UnsupportedMatcher is not null)
        {
            return (CelConformanceOutcome.CheckedOnly, test.UnsupportedMatcher ?? "check_only");
        }

        var result = program.Evaluate(variables);
        if (test.ExpectsError)
        {
            return result.IsError
                ? (CelConformanceOutcome.Passed, "")
                : (CelConformanceOutcome.Diverged, $"expected an error, got {Describe(result.Value)}");
        }

        if (!TryToValue(test.ExpectedValue!, out var expected))
        {
            return (CelConformanceOutcome.Diverged, $"expected a value of a type outside the subset, got {(result.IsError ? "error " + result.Error : Describe(result.Value))}");
        }

        if (result.IsError)
        {
            return (CelConformanceOutcome.Diverged, $"expected {Describe(expected)}, got error '{result.Error}'");
        }

        return SameValue(expected, result.Value)
            ? (CelConformanceOutcome.Passed, "")
            : (CelConformanceOutcome.Diverged, $"expected {Describe(expected)}, got {Describe(result.Value)}");
    }

    /// <summary>A cel.expr.Type as the subset's static type, or null when the subset has none.</summary>
    private static CelType? ToType(TextProtoMessage type)
    {
        if (type.Scalar("primitive") is { } primitive)
        {
            return primitive switch
            {
                "BOOL" => CelType.Bool,
                "INT64" => CelType.Int,
                "DOUBLE" => CelType.Double,
                "STRING" => CelType.String,
                _ => null,
            };
        }

        if (type.Scalar("well_known") is { } wellKnown)
        {
            return wellKnown switch
            {
                "TIMESTAMP" => CelType.Timestamp,
                "DURATION" => CelType.Duration,
                _ => null,
            };
        }

        if (type.Scalar("message_type") is { } message)
        {
            // The two well-known messages the policy context has as values; every other message is a proto.
            return message switch
            {
                "google.protobuf.Timestamp" => CelType.Timestamp,
                "google.protobuf.Duration" => CelType.Duration,
                _ => null,
            };
        }

        if (type.Has("dyn"))
        {
            return CelType.Dyn;
        }

        if (type.Scalar("null") is not null)
        {
            return CelType.Null;
        }

        if (type.Message("list_type")?.Message("elem_type") is { } element)
        {
            return ToType(element) is { } e ? CelType.ListOf(e) : null;
        }

        if (type.Message("map_type") is { } map)
        {
            return map.Message("key_type")?.Scalar("primitive") == "STRING" && map.Message("value_type") is { } v && ToType(v) is { } value
                ? CelType.MapOf(value)
                : null;
        }

        return null;
    }

    /// <summary>A cel.expr.Value as a run-time value of the subset; false when the subset has no such value.</summary>
    private static bool TryToValue(TextProtoMessage value, out object? converted)
    {
        converted = null;
        var (name, raw) = value.Fields.Count == 1 ? value.Fields[0] : ("", (object)"");
        switch (name, raw)
        {
            case ("null_value", _):
                return true;
            case ("bool_value", string b):
                converted = b == "true";
                return true;
            case ("int64_value", string i):
                converted = long.Parse(i, CultureInfo.InvariantCulture);
                return true;
            case ("double_value", string d):
                converted = ParseDouble(d);
                return true;
            case ("string_value", string s):
                converted = s;
                return true;
            case ("list_value", TextProtoMessage list):
                var items = new List<object?>();
                foreach (var item in list.Messages("values"))
                {
                    if (!TryToValue(item, out var element))
                    {
                        return false;
                    }

                    items.Add(element);
                }

                converted = items;
                return true;
            case ("map_value", TextProtoMessage map):
                var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var entry in map.Messages("entries"))
                {
                    if (!TryToValue(entry.Message("key")!, out var key) || key is not string k || !TryToValue(entry.Message("value")!, out var v))
                    {
                        return false;
                    }

                    entries[k] = v;
                }

                converted = entries;
                return true;
            case ("object_value", TextProtoMessage any):
                return CelConformanceTime.TryFromAny(any, out converted);
            default:
                return false;
        }
    }

    private static double ParseDouble(string text) => text switch
    {
        "inf" or "Infinity" => double.PositiveInfinity,
        "-inf" or "-Infinity" => double.NegativeInfinity,
        "nan" or "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>CEL equality of results, strict about int versus double (a test of <c>1</c> expects an int).</summary>
    private static bool SameValue(object? expected, object? actual) => (expected, actual) switch
    {
        (double e, double a) => e.Equals(a) || e == a,
        (long or double, _) or (_, long or double) => expected?.GetType() == actual?.GetType() && Equals(expected, actual),
        (IReadOnlyList<object?> e, IReadOnlyList<object?> a) => e.Count == a.Count && e.Zip(a).All(p => SameValue(p.First, p.Second)),
        (IReadOnlyDictionary<string, object?> e, IReadOnlyDictionary<string, object?> a) =>
            e.Count == a.Count && e.All(p => a.TryGetValue(p.Key, out var v) && SameValue(p.Value, v)),
        _ => CelValues.Equal(expected, actual) && expected?.GetType() == actual?.GetType(),
    };

    private static string Describe(object? value) => $"{CelValues.TypeName(value)} {CelValues.Format(value)}";
}
