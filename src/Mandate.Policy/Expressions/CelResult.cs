namespace Mandate.Policy.Expressions;

/// <summary>The outcome of one evaluation: a value, or an error saying why there is none.</summary>
public readonly record struct CelResult(object? Value, CelError? Error)
{
    public bool IsError => Error is not null;

    /// <summary>True only for the boolean value <c>true</c>.</summary>
    public bool IsTrue => Error is null && Value is true;
}
