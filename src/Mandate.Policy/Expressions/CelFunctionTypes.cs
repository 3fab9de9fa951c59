namespace Mandate.Policy.Expressions;

/// <summary>Type rules of the built-in functions; <see cref="CelFunctions"/> implements them.</summary>
internal static class CelFunctionTypes
{
    public static readonly string[] TimeParts =
        ["getHours", "getMinutes", "getSeconds", "getMilliseconds", "getDayOfWeek", "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfYear"];

    private static readonly string[] Known =
        ["size", "startsWith", "endsWith", "contains", "matches", "lowerAscii", "upperAscii", "timestamp", "duration", "int", "double", "string", .. TimeParts];

    public static CelType Check(CelChecker checker, CelCall call)
    {
        var target = call.Target is null ? null : checker.TypeOfArgument(call.Target);
        var args = call.Args.Select(checker.TypeOfArgument).ToList();

        // Global forms are the method forms with the receiver first: size(x) == x.size().
        var all = target is null ? args : [target, .. args];
        var nodes = call.Target is null ? call.Args : [call.Target, .. call.Args];
        switch (call.Function)
        {
            case "size":
                Arity(checker, call, all, 1);
                Expect(checker, nodes, all, 0, "size()", CelKind.String, CelKind.List, CelKind.Map, CelKind.Object);
                return CelType.Int;
            case "startsWith":
            case "endsWith":
            case "contains":
            case "matches":
                Arity(checker, call, all, 2);
                Expect(checker, nodes, all, 0, call.Function + "()", CelKind.String);
                Expect(checker, nodes, all, 1, $"the argument of {call.Function}()", CelKind.String);
                if (call.Function == "matches" && nodes.Count == 2)
                {
                    checker.CompilePattern(call, nodes[1]);
                }

                return CelType.Bool;
            case "lowerAscii":
            case "upperAscii":
                Arity(checker, call, all, 1);
                Expect(checker, nodes, all, 0, call.Function + "()", CelKind.String);
                return CelType.String;
            case "timestamp":
                Arity(checker, call, all, 1);
                Expect(checker, nodes, all, 0, "timestamp()", CelKind.String, CelKind.Timestamp);
                CheckLiteral(checker, nodes, 0, s => CelTime.TryParseTimestamp(s, out _), "is not an RFC 3339 timestamp in years 0001-9999, e.g. \"2026-01-31T09:00:00Z\"");
                return CelType.Timestamp;
            case "duration":
                Arity(checker, call, all, 1);
                Expect(checker, nodes, all, 0, "duration()", CelKind.String, CelKind.Duration);
                CheckLiteral(checker, nodes, 0, s => CelTime.TryParseDuration(s, out _), "is not a duration within ±292 years; write e.g. \"90s\", \"15m\", \"1h30m\"");
                return CelType.Duration;
            case "int":
                Arity(checker, call, all, 1);
                Expect(checker, nodes, all, 0, "int()", CelKind.Int, CelKind.Double, CelKind.String, CelKind.Timestamp, CelKind.Duration);
                return CelType.Int;
            case "double":
                Arity(checker, call, all, 1);
                Expect(checker, nodes, all, 0, "double()", CelKind.Int, CelKind.Double, CelKind.String);
                return CelType.Double;
            case "string":
                Arity(checker, call, all, 1);
                return CelType.String;
            default:
                if (TimeParts.Contains(call.Function) && target is not null)
                {
                    if (args.Count > 1)
                    {
                        return checker.ReportAt(call.Offset, $"{call.Function}() takes at most one argument, a time zone such as \"Europe/Paris\"");
                    }

                    Expect(checker, nodes, all, 0, call.Function + "()", CelKind.Timestamp, CelKind.Duration);
                    if (args.Count == 1)
                    {
                        Expect(checker, nodes, all, 1, "the time zone", CelKind.String);
                        CheckLiteral(checker, nodes, 1, z => CelTime.FindZone(z) is not null, "is not a known time zone (use an IANA name such as \"Europe/Paris\")");
                    }

                    return CelType.Int;
                }

                return checker.ReportAt(call.Offset, $"unknown function '{call.Function}'; available: {string.Join(", ", Known)}, has(), and the macros exists, all, exists_one, filter, map");
        }
    }

    private static void Arity(CelChecker checker, CelCall call, List<CelType> all, int count)
    {
        if (all.Count != count)
        {
            var form = count == 1 ? $"{call.Function}(x) or x.{call.Function}()" : $"x.{call.Function}(y)";
            checker.ReportAt(call.Offset, $"{call.Function}() takes {count - 1} argument{(count == 2 ? "" : "s")} after its receiver; write {form}");
        }
    }

    private static void Expect(CelChecker checker, IReadOnlyList<CelNode> nodes, List<CelType> all, int index, string what, params CelKind[] kinds)
    {
        if (index >= all.Count)
        {
            return;
        }

        var kind = all[index].Kind;
        if (kind != CelKind.Dyn && !kinds.Contains(kind))
        {
            var expected = string.Join(" or ", kinds.Select(k => k.ToString().ToLowerInvariant()));
            checker.ReportAt(nodes[index].Offset, $"{what} needs {expected}, found {all[index].Name}");
        }
    }

    private static void CheckLiteral(CelChecker checker, IReadOnlyList<CelNode> nodes, int index, Func<string, bool> valid, string problem)
    {
        if (index < nodes.Count && nodes[index] is CelLiteral { Value: string text } literal && !valid(text))
        {
            checker.ReportAt(literal.Offset, $"\"{text}\" {problem}");
        }
    }
}
