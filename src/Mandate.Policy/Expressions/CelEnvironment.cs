namespace Mandate.Policy.Expressions;

/// <summary>The variables an expression may use, with their types. Checked at compile time.</summary>
public sealed class CelEnvironment
{
    public CelEnvironment(IReadOnlyDictionary<string, CelType> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Variables = variables;
    }

    public IReadOnlyDictionary<string, CelType> Variables { get; }
}
