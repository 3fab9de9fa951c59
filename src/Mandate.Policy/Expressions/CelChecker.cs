using System.Text.RegularExpressions;
using K = Mandate.Policy.Expressions.CelTokenKind;

namespace Mandate.Policy.Expressions;

/// <summary>
/// Type-checks a parsed expression against the environment, reporting every error with its offset:
/// unknown variables and fields, operators on the wrong types, unknown functions, bad literal patterns.
/// <c>dyn</c> values pass the checker and are checked again at run time.
/// </summary>
internal sealed partial class CelChecker
{
    private readonly CelEnvironment _environment;
    private readonly string _source;
    private readonly List<CelDiagnostic> _problems = [];
    private readonly Dictionary<string, CelType> _locals = new(StringComparer.Ordinal);
    private readonly CelLimits _limits;

    private CelChecker(CelEnvironment environment, string source, CelLimits limits)
    {
        _environment = environment;
        _source = source;
        _limits = limits;
    }

    public static (CelType Type, List<CelDiagnostic> Problems) Check(CelNode node, CelEnvironment environment, string source, CelLimits limits)
    {
        var checker = new CelChecker(environment, source, limits);
        var type = checker.TypeOf(node);
        return (type, checker._problems);
    }

    private CelType Report(int offset, string message)
    {
        _problems.Add(CelDiagnostic.At(_source, offset, message));
        return CelType.Dyn;
    }

    private CelType TypeOf(CelNode node) => node switch
    {
        CelLiteral l => LiteralType(l.Value),
        CelIdent i => Identifier(i),
        CelSelect s => Select(s),
        CelIndex i => Index(i),
        CelCall c => CelFunctionTypes.Check(this, c),
        CelComprehension m => Comprehension(m),
        CelUnary u => Unary(u),
        CelBinary b => Binary(b),
        CelConditional c => Conditional(c),
        CelListLiteral l => List(l),
        CelMapLiteral m => Map(m),
        _ => Report(node.Offset, "unsupported expression"),
    };

    internal CelType TypeOfArgument(CelNode node) => TypeOf(node);

    internal CelType ReportAt(int offset, string message) => Report(offset, message);

    internal void CompilePattern(CelCall call, CelNode pattern)
    {
        if (pattern is not CelLiteral { Value: string text })
        {
            return;
        }

        try
        {
            // NonBacktracking: linear time in the input, whatever the pattern; the timeout is a second guard.
            call.CompiledPattern = new Regex(text, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, _limits.RegexTimeout);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            Report(pattern.Offset, $"invalid regular expression: {e.Message}");
        }
    }

    private static CelType LiteralType(object? value) => value switch
    {
        null => CelType.Null,
        bool => CelType.Bool,
        long => CelType.Int,
        double => CelType.Double,
        string => CelType.String,
        _ => CelType.Dyn,
    };

    private CelType Identifier(CelIdent ident)
    {
        if (_locals.TryGetValue(ident.Name, out var local) || _environment.Variables.TryGetValue(ident.Name, out local))
        {
            return local;
        }

        var known = string.Join(", ", _environment.Variables.Keys.Order(StringComparer.Ordinal));
        return Report(ident.Offset, $"unknown name '{ident.Name}'; the context has {known}");
    }

    private CelType Select(CelSelect select)
    {
        var operand = TypeOf(select.Operand);
        CelType field;
        switch (operand.Kind)
        {
            case CelKind.Dyn:
                field = CelType.Dyn;
                break;
            case CelKind.Map:
                field = operand.Element!;
                break;
            case CelKind.Object when operand.Fields!.TryGetValue(select.Field, out var f):
                field = f;
                break;
            case CelKind.Object:
                return Report(select.Offset, $"'{operand.Name}' has no field '{select.Field}'; it has {string.Join(", ", operand.Fields!.Keys)}");
            default:
                return Report(select.Offset, $"cannot select field '{select.Field}' from a value of type {operand.Name}");
        }

        return select.TestOnly ? CelType.Bool : field;
    }

    private CelType Index(CelIndex index)
    {
        var operand = TypeOf(index.Operand);
        var key = TypeOf(index.Index);
        switch (operand.Kind)
        {
            case CelKind.Dyn:
                return CelType.Dyn;
            case CelKind.List:
                return key.Kind is CelKind.Int or CelKind.Dyn ? operand.Element! : Report(index.Index.Offset, $"a list index must be an int, found {key.Name}");
            case CelKind.Map:
                return key.Kind is CelKind.String or CelKind.Dyn ? operand.Element! : Report(index.Index.Offset, $"a map key must be a string, found {key.Name}");
            case CelKind.Object:
                if (index.Index is CelLiteral { Value: string name })
                {
                    return operand.Fields!.TryGetValue(name, out var f) ? f : Report(index.Index.Offset, $"'{operand.Name}' has no field '{name}'");
                }

                return CelType.Dyn;
            default:
                return Report(index.Offset, $"cannot index a value of type {operand.Name}");
        }
    }

    private CelType Comprehension(CelComprehension m)
    {
        var range = TypeOf(m.Range);
        var element = range.Kind switch
        {
            CelKind.List => range.Element!,
            CelKind.Map => CelType.String,
            CelKind.Object => CelType.String,
            CelKind.Dyn => CelType.Dyn,
            _ => Report(m.Range.Offset, $"{m.Macro}() needs a list or map, found {range.Name}"),
        };

        var hadOuter = _locals.TryGetValue(m.Variable, out var outer);
        _locals[m.Variable] = element;
        var body = TypeOf(m.Body);
        if (hadOuter)
        {
            _locals[m.Variable] = outer!;
        }
        else
        {
            _locals.Remove(m.Variable);
        }

        switch (m.Macro)
        {
            case "map":
                return CelType.ListOf(body);
            case "filter":
                RequireBool(m.Body, body, $"the condition of filter()");
                return range.Kind == CelKind.List ? range : CelType.ListOf(element);
            default:
                RequireBool(m.Body, body, $"the condition of {m.Macro}()");
                return CelType.Bool;
        }
    }

    private CelType Unary(CelUnary u)
    {
        var operand = TypeOf(u.Operand);
        if (u.Operator == K.Not)
        {
            RequireBool(u.Operand, operand, "the operand of '!'");
            return CelType.Bool;
        }

        return operand.Kind is CelKind.Int or CelKind.Double or CelKind.Duration or CelKind.Dyn
            ? operand
            : Report(u.Offset, $"cannot negate a value of type {operand.Name}");
    }

    private CelType Conditional(CelConditional c)
    {
        RequireBool(c.Condition, TypeOf(c.Condition), "the condition of '?:'");
        var then = TypeOf(c.Then);
        var otherwise = TypeOf(c.Else);
        return ReferenceEquals(then, otherwise) || then.Name == otherwise.Name ? then : CelType.Dyn;
    }

    private CelType List(CelListLiteral list)
    {
        if (list.Items.Count > _limits.MaxListSize)
        {
            return Report(list.Offset, $"a list literal may have at most {_limits.MaxListSize} items");
        }

        var types = list.Items.Select(TypeOf).ToList();
        var first = types.FirstOrDefault();
        return first is not null && types.All(t => t.Name == first.Name) ? CelType.ListOf(first) : CelType.ListOf(CelType.Dyn);
    }

    private CelType Map(CelMapLiteral map)
    {
        var values = new List<CelType>();
        foreach (var (key, value) in map.Entries)
        {
            var keyType = TypeOf(key);
            if (keyType.Kind is not (CelKind.String or CelKind.Dyn))
            {
                Report(key.Offset, $"map keys must be strings, found {keyType.Name}");
            }

            values.Add(TypeOf(value));
        }

        var first = values.FirstOrDefault();
        return first is not null && values.All(t => t.Name == first.Name) ? CelType.MapOf(first) : CelType.MapOf(CelType.Dyn);
    }

    internal void RequireBool(CelNode node, CelType type, string what)
    {
        if (type.Kind is not (CelKind.Bool or CelKind.Dyn))
        {
            Report(node.Offset, $"{what} must be a bool, found {type.Name}");
        }
    }

    internal static string Symbol(K kind) => kind switch
    {
        K.And => "&&",
        K.Or => "||",
        K.Equal => "==",
        K.NotEqual => "!=",
        K.Less => "<",
        K.LessEqual => "<=",
        K.Greater => ">",
        K.GreaterEqual => ">=",
        K.Plus => "+",
        K.Minus => "-",
        K.Star => "*",
        K.Slash => "/",
        K.Percent => "%",
        K.In => "in",
        _ => kind.ToString(),
    };
}
