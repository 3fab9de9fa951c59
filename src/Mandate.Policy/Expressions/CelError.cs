namespace Mandate.Policy.Expressions;

/// <summary>
/// An evaluation error as a value (as in CEL): it flows through operators and functions until something
/// absorbs it (<c>false &amp;&amp; err</c>, <c>true || err</c>) or it becomes the result. Errors from the cost
/// limits are <see cref="IsLimit"/> and are never absorbed.
/// </summary>
public sealed class CelError
{
    public CelError(string message, bool isLimit = false)
    {
        Message = message;
        IsLimit = isLimit;
    }

    public string Message { get; }

    /// <summary>True when a cost limit (steps, sizes, regex time) stopped evaluation.</summary>
    public bool IsLimit { get; }

    public override string ToString() => Message;
}
