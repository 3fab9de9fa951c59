namespace Mandate.Policy.Expressions;

/// <summary>
/// A compiled, type-checked expression of Mandate's CEL subset. Compile once at policy load (errors carry
/// line and column); evaluate per request against a variable map, within <see cref="CelLimits"/>.
/// Thread-safe: evaluation keeps its state on the call.
/// </summary>
public sealed class CelProgram
{
    private readonly CelNode _root;

    private CelProgram(string source, CelNode root, CelType type, CelLimits limits)
    {
        Source = source;
        _root = root;
        Type = type;
        Limits = limits;
    }

    /// <summary>The expression text.</summary>
    public string Source { get; }

    /// <summary>The checked result type.</summary>
    public CelType Type { get; }

    public CelLimits Limits { get; }

    /// <summary>
    /// Parses and checks <paramref name="source"/>. Returns the program, or every problem found (a syntax
    /// error stops at the first; type errors are all reported). When <paramref name="requireBool"/>, the
    /// result must be a bool (or dyn), as for a rule condition.
    /// </summary>
    public static (CelProgram? Program, IReadOnlyList<CelDiagnostic> Problems) Compile(
        string source, CelEnvironment environment, CelLimits? limits = null, bool requireBool = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(environment);
        limits ??= CelLimits.Default;
        CelNode root;
        try
        {
            root = CelParser.Parse(source);
        }
        catch (CelSyntaxException e)
        {
            return (null, [CelDiagnostic.At(source, e.Offset, e.Message)]);
        }

        var (type, problems) = CelChecker.Check(root, environment, source, limits);
        if (requireBool && problems.Count == 0 && type.Kind is not (CelKind.Bool or CelKind.Dyn))
        {
            problems.Add(CelDiagnostic.At(source, 0, $"a condition must be a bool, but this expression is a {type.Name}"));
        }

        return problems.Count > 0 ? (null, problems) : (new CelProgram(source, root, type, limits), []);
    }

    /// <summary>Evaluates against <paramref name="variables"/>. Never throws for any input; failures are <see cref="CelResult.Error"/>.</summary>
    public CelResult Evaluate(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        object? value;
        try
        {
            value = new CelEvaluator(variables, Limits).Evaluate(_root);
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or FormatException or OverflowException or NullReferenceException or InvalidOperationException)
        {
            // Defence in depth: variables may hold values of types the checker never saw.
            value = new CelError($"evaluation failed: {e.GetType().Name}");
        }

        return value is CelError error ? new CelResult(null, error) : new CelResult(value, null);
    }

    public override string ToString() => Source;
}
