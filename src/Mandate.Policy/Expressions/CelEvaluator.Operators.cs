using K = Mandate.Policy.Expressions.CelTokenKind;

namespace Mandate.Policy.Expressions;

/// <summary><c>&amp;&amp;</c> and <c>||</c> with CEL's error absorption; comparisons, membership and arithmetic.</summary>
internal sealed partial class CelEvaluator
{
    private object? Logical(CelBinary b)
    {
        var isAnd = b.Operator == K.And;
        var left = Evaluate(b.Left);
        if (left is bool l && l != isAnd)
        {
            // false && x == false; true || x == true: the right side is not evaluated.
            return l;
        }

        if (left is CelError { IsLimit: true })
        {
            return left;
        }

        var right = Evaluate(b.Right);
        if (right is CelError { IsLimit: true })
        {
            return right;
        }

        if (right is bool r && r != isAnd)
        {
            // Error absorption (CEL): error && false == false; error || true == true.
            return r;
        }

        if (left is CelError)
        {
            return left;
        }

        if (right is CelError)
        {
            return right;
        }

        return left is bool && right is bool
            ? isAnd
            : new CelError($"no such overload: {CelValues.TypeName(left)} {CelChecker.Symbol(b.Operator)} {CelValues.TypeName(right)}");
    }

    private object? Binary(CelBinary b)
    {
        var left = Evaluate(b.Left);
        if (left is CelError)
        {
            return left;
        }

        var right = Evaluate(b.Right);
        if (right is CelError)
        {
            return right;
        }

        switch (b.Operator)
        {
            case K.Equal:
                return CelValues.Equal(left, right);
            case K.NotEqual:
                return !CelValues.Equal(left, right);
            case K.Less or K.LessEqual or K.Greater or K.GreaterEqual:
                if (CelValues.Compare(left, right) is not { } order)
                {
                    return new CelError(left is double.NaN || right is double.NaN
                        ? "NaN is not a number and cannot be ordered"
                        : $"cannot order {CelValues.TypeName(left)} and {CelValues.TypeName(right)}");
                }

                return b.Operator switch
                {
                    K.Less => order < 0,
                    K.LessEqual => order <= 0,
                    K.Greater => order > 0,
                    _ => order >= 0,
                };
            case K.In:
                return right switch
                {
                    IReadOnlyList<object?> list => Charge(list.Count / 16) ? list.Any(item => CelValues.Equal(left, item)) : _stopped,
                    IReadOnlyDictionary<string, object?> map => left is string key && map.ContainsKey(key),
                    _ => new CelError($"'in' needs a list or map, found {CelValues.TypeName(right)}"),
                };
            default:
                var result = CelArithmetic.Apply(b.Operator, left, right, _limits);
                return result is CelError { IsLimit: true } limit ? Stop(limit) : result;
        }
    }
}
