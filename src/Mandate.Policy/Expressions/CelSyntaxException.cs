namespace Mandate.Policy.Expressions;

/// <summary>A lexing or parsing error at an offset of the expression. Internal: callers get a <see cref="CelDiagnostic"/>.</summary>
internal sealed class CelSyntaxException : Exception
{
    public CelSyntaxException(int offset, string message)
        : base(message) => Offset = offset;

    public CelSyntaxException()
    {
    }

    public CelSyntaxException(string message)
        : base(message)
    {
    }

    public CelSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Offset { get; }
}
