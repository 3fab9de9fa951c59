using K = Mandate.Policy.Expressions.CelTokenKind;

namespace Mandate.Policy.Expressions;

/// <summary>
/// Evaluates a checked tree. Errors are values (<see cref="CelError"/>) that <c>&amp;&amp;</c>, <c>||</c>,
/// <c>exists</c> and <c>all</c> absorb as CEL does (<c>false &amp;&amp; error</c> is false). Every node visited and
/// every element iterated costs one step; past <see cref="CelLimits.MaxSteps"/> evaluation stops with a limit
/// error that nothing absorbs. Recursion is bounded by the parser's tree-depth limit.
/// </summary>
internal sealed partial class CelEvaluator
{
    private readonly IReadOnlyDictionary<string, object?> _variables;
    private readonly CelLimits _limits;
    private readonly List<(string Name, object? Value)> _locals = [];
    private int _steps;
    private CelError? _stopped;

    public CelEvaluator(IReadOnlyDictionary<string, object?> variables, CelLimits limits)
    {
        _variables = variables;
        _limits = limits;
    }

    public int Steps => _steps;

    public object? Evaluate(CelNode node)
    {
        if (_stopped is not null)
        {
            return _stopped;
        }

        if (++_steps > _limits.MaxSteps)
        {
            _stopped = new CelError($"evaluation exceeded {_limits.MaxSteps} steps; simplify the condition or bound the lists it iterates", isLimit: true);
            return _stopped;
        }

        return node switch
        {
            CelLiteral l => l.Value,
            CelIdent i => Lookup(i.Name),
            CelSelect s => Select(s),
            CelIndex i => Index(i),
            CelCall c => Call(c),
            CelComprehension m => Comprehension(m),
            CelUnary u => Unary(u),
            CelBinary { Operator: K.And or K.Or } b => Logical(b),
            CelBinary b => Binary(b),
            CelConditional c => Conditional(c),
            CelListLiteral l => ListLiteral(l),
            CelMapLiteral m => MapLiteral(m),
            _ => new CelError("unsupported expression"),
        };
    }

    private object? Lookup(string name)
    {
        for (var i = _locals.Count - 1; i >= 0; i--)
        {
            if (_locals[i].Name == name)
            {
                return _locals[i].Value;
            }
        }

        return _variables.TryGetValue(name, out var value) ? CelValues.FromHost(value) : new CelError($"no value for '{name}'");
    }

    private object? Select(CelSelect s)
    {
        var operand = Evaluate(s.Operand);
        switch (operand)
        {
            case CelError:
                return operand;
            case IReadOnlyDictionary<string, object?> map:
                var present = map.TryGetValue(s.Field, out var value);
                if (s.TestOnly)
                {
                    return present && value is not null;
                }

                return present ? CelValues.FromHost(value) : NoSuchKey(s.Field);
            default:
                return new CelError($"cannot select '{s.Field}' from {CelValues.TypeName(operand)}");
        }
    }

    private object? Index(CelIndex i)
    {
        var operand = Evaluate(i.Operand);
        var index = Evaluate(i.Index);
        if (operand is CelError)
        {
            return operand;
        }

        if (index is CelError)
        {
            return index;
        }

        switch (operand, index)
        {
            case (IReadOnlyList<object?> list, long n):
                return n >= 0 && n < list.Count ? list[(int)n] : new CelError($"index {n} out of range (list has {list.Count} items)");
            case (IReadOnlyList<object?> list, double d) when d == Math.Floor(d):
                return d >= 0 && d < list.Count ? list[(int)d] : new CelError($"index {d} out of range (list has {list.Count} items)");
            case (IReadOnlyDictionary<string, object?> map, string key):
                return map.TryGetValue(key, out var value) ? CelValues.FromHost(value) : NoSuchKey(key);
            default:
                return new CelError($"cannot index {CelValues.TypeName(operand)} with {CelValues.TypeName(index)}");
        }
    }

    private object? Call(CelCall c)
    {
        var all = new object?[(c.Target is null ? 0 : 1) + c.Args.Count];
        var n = 0;
        if (c.Target is not null)
        {
            all[n++] = Evaluate(c.Target);
        }

        foreach (var arg in c.Args)
        {
            all[n++] = Evaluate(arg);
        }

        foreach (var value in all)
        {
            if (value is CelError)
            {
                return value;
            }

            // Work on long strings costs in proportion to their length.
            if (value is string s && s.Length > 256 && !Charge(s.Length / 256))
            {
                return _stopped;
            }
        }

        return CelFunctions.Invoke(c, all, _limits);
    }

    private object? Unary(CelUnary u)
    {
        var operand = Evaluate(u.Operand);
        return operand switch
        {
            CelError => operand,
            bool b when u.Operator == K.Not => !b,
            _ when u.Operator == K.Not => new CelError($"no such overload: !{CelValues.TypeName(operand)}"),
            _ => CelArithmetic.Negate(operand),
        };
    }

    private object? Conditional(CelConditional c) => Evaluate(c.Condition) switch
    {
        true => Evaluate(c.Then),
        false => Evaluate(c.Else),
        CelError e => e,
        var v => new CelError($"the condition of '?:' gave {CelValues.TypeName(v)}, not a bool"),
    };

    private object? ListLiteral(CelListLiteral l)
    {
        var items = new List<object?>(l.Items.Count);
        foreach (var node in l.Items)
        {
            var value = Evaluate(node);
            if (value is CelError)
            {
                return value;
            }

            items.Add(value);
        }

        return items;
    }

    private object? MapLiteral(CelMapLiteral m)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in m.Entries)
        {
            var key = Evaluate(keyNode);
            var value = Evaluate(valueNode);
            if (key is CelError || value is CelError)
            {
                return key as CelError ?? value;
            }

            if (key is not string k)
            {
                return new CelError($"map keys must be strings, found {CelValues.TypeName(key)}");
            }

            if (!map.TryAdd(k, value))
            {
                return new CelError($"duplicate map key \"{QuotedText.Capped(k, QuotedText.MaxQuotedValue)}\"");
            }
        }

        return map;
    }

    // The key may be the caller's (a claim, an argument): quoted capped, as every value an error shows.
    private static CelError NoSuchKey(string key) => new($"no such key '{QuotedText.Capped(key, QuotedText.MaxQuotedValue)}'");

    private bool Charge(int steps)
    {
        if (_stopped is not null)
        {
            return false;
        }

        _steps += steps;
        if (_steps > _limits.MaxSteps)
        {
            _stopped = new CelError($"evaluation exceeded {_limits.MaxSteps} steps; simplify the condition or bound the lists it iterates", isLimit: true);
            return false;
        }

        return true;
    }

    private CelError Stop(CelError limit)
    {
        _stopped = limit;
        return limit;
    }
}
