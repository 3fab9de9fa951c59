namespace Mandate.Policy.Expressions;

/// <summary>The macros <c>exists</c>, <c>all</c>, <c>exists_one</c>, <c>filter</c> and <c>map</c>; one step per element.</summary>
internal sealed partial class CelEvaluator
{
    private object? Comprehension(CelComprehension m)
    {
        var range = Evaluate(m.Range);
        IEnumerable<object?> items;
        switch (range)
        {
            case CelError:
                return range;
            case IReadOnlyList<object?> list:
                items = list;
                break;
            case IReadOnlyDictionary<string, object?> map:
                items = map.Keys;
                break;
            default:
                return new CelError($"{m.Macro}() needs a list or map, found {CelValues.TypeName(range)}");
        }

        var results = m.Macro is "map" or "filter" ? new List<object?>() : null;
        CelError? error = null;
        var count = 0;
        _locals.Add((m.Variable, null));
        var slot = _locals.Count - 1;
        try
        {
            foreach (var item in items)
            {
                if (!Charge(1))
                {
                    return _stopped;
                }

                _locals[slot] = (m.Variable, item);
                var value = Evaluate(m.Body);
                if (value is CelError { IsLimit: true })
                {
                    return value;
                }

                switch (m.Macro)
                {
                    case "exists" when value is true:
                        return true;
                    case "all" when value is false:
                        return false;
                    case "exists" or "all" when value is not bool:
                        error ??= value as CelError ?? new CelError($"the condition of {m.Macro}() gave {CelValues.TypeName(value)}, not a bool");
                        break;
                    case "exists_one" when value is CelError:
                        return value;
                    case "exists_one" when value is true:
                        count++;
                        break;
                    case "map":
                        if (value is CelError)
                        {
                            return value;
                        }

                        results!.Add(value);
                        break;
                    case "filter":
                        if (value is not bool keep)
                        {
                            return value as CelError ?? new CelError($"the condition of filter() gave {CelValues.TypeName(value)}, not a bool");
                        }

                        if (keep)
                        {
                            results!.Add(item);
                        }

                        break;
                }
            }
        }
        finally
        {
            _locals.RemoveAt(slot);
        }

        return m.Macro switch
        {
            "exists" => (object?)error ?? false,
            "all" => (object?)error ?? true,
            "exists_one" => count == 1,
            _ => results,
        };
    }
}
