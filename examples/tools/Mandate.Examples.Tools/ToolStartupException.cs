namespace Mandate.Examples.Tools;

/// <summary>A standalone tool cannot start; the message says what to do (it is printed as is, without a stack trace).</summary>
public sealed class ToolStartupException : Exception
{
    public ToolStartupException()
    {
    }

    public ToolStartupException(string message)
        : base(message)
    {
    }

    public ToolStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
