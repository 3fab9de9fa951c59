using K = Mandate.Policy.Expressions.CelTokenKind;

namespace Mandate.Policy.Expressions;

/// <summary>
/// <c>+ - * / %</c> for the checker and at run time. Int arithmetic is checked (overflow is an error, as in
/// CEL); an int mixed with a double gives a double; strings and lists concatenate within the size limits;
/// timestamps and durations add and subtract, and leaving their range is an error.
/// </summary>
internal static class CelArithmetic
{
    public static CelType CheckBinary(CelChecker checker, CelBinary b, CelType left, CelType right)
    {
        if (left.Kind == CelKind.Dyn || right.Kind == CelKind.Dyn)
        {
            return CelType.Dyn;
        }

        var result = (b.Operator, left.Kind, right.Kind) switch
        {
            (_, CelKind.Int, CelKind.Int) => CelType.Int,
            (K.Percent, _, _) => null,
            (_, CelKind.Int or CelKind.Double, CelKind.Int or CelKind.Double) => CelType.Double,
            (K.Plus, CelKind.String, CelKind.String) => CelType.String,
            (K.Plus, CelKind.List, CelKind.List) => left.Name == right.Name ? left : CelType.ListOf(CelType.Dyn),
            (K.Plus, CelKind.Timestamp, CelKind.Duration) or (K.Plus, CelKind.Duration, CelKind.Timestamp) => CelType.Timestamp,
            (K.Plus or K.Minus, CelKind.Duration, CelKind.Duration) => CelType.Duration,
            (K.Minus, CelKind.Timestamp, CelKind.Timestamp) => CelType.Duration,
            (K.Minus, CelKind.Timestamp, CelKind.Duration) => CelType.Timestamp,
            _ => null,
        };
        return result ?? checker.ReportAt(b.Offset, $"'{CelChecker.Symbol(b.Operator)}' cannot combine {left.Name} and {right.Name}");
    }

    public static object? Apply(K op, object? left, object? right, CelLimits limits)
    {
        try
        {
            return (op, left, right) switch
            {
                (K.Plus, long x, long y) => checked(x + y),
                (K.Minus, long x, long y) => checked(x - y),
                (K.Star, long x, long y) => checked(x * y),
                (K.Slash, long _, 0L) => new CelError("division by zero"),
                (K.Percent, long _, 0L) => new CelError("modulus by zero"),
                (K.Slash, long x, long y) => checked(x / y),
                (K.Percent, long x, long y) => x % y,
                (K.Plus, long or double, long or double) => Finite(CelValues.ToDouble(left) + CelValues.ToDouble(right)),
                (K.Minus, long or double, long or double) => Finite(CelValues.ToDouble(left) - CelValues.ToDouble(right)),
                (K.Star, long or double, long or double) => Finite(CelValues.ToDouble(left) * CelValues.ToDouble(right)),
                (K.Slash, long or double, long or double) => Finite(CelValues.ToDouble(left) / CelValues.ToDouble(right)),
                (K.Plus, string x, string y) => x.Length + y.Length > limits.MaxStringLength
                    ? new CelError($"string longer than {limits.MaxStringLength} characters", isLimit: true)
                    : x + y,
                (K.Plus, IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count + y.Count > limits.MaxListSize
                    ? new CelError($"list longer than {limits.MaxListSize} items", isLimit: true)
                    : (object)x.Concat(y).ToList(),
                (K.Plus, CelTimestamp t, CelDuration d) => t.Add(d),
                (K.Plus, CelDuration d, CelTimestamp t) => t.Add(d),
                (K.Minus, CelTimestamp t, CelDuration d) => t.Subtract(d),
                (K.Minus, CelTimestamp t, CelTimestamp u) => t.Subtract(u),
                (K.Plus, CelDuration d, CelDuration e) => CelDuration.Create((Int128)d.Nanoseconds + e.Nanoseconds),
                (K.Minus, CelDuration d, CelDuration e) => CelDuration.Create((Int128)d.Nanoseconds - e.Nanoseconds),
                _ => new CelError($"no such overload: {CelValues.TypeName(left)} {CelChecker.Symbol(op)} {CelValues.TypeName(right)}"),
            };
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return new CelError($"'{CelChecker.Symbol(op)}' overflowed");
        }
    }

    public static object? Negate(object? value) => value switch
    {
        long l when l == long.MinValue => new CelError("'-' overflowed"),
        long l => -l,
        double d => -d,
        CelDuration d => CelDuration.Create(-(Int128)d.Nanoseconds),
        _ => new CelError($"no such overload: -{CelValues.TypeName(value)}"),
    };

    private static object Finite(double value) =>
        double.IsFinite(value) ? value : new CelError("arithmetic produced a value that is not a finite number");
}
