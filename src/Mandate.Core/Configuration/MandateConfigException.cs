namespace Mandate.Core.Configuration;

/// <summary>The configuration is invalid; <see cref="Problems"/> lists every problem found, with locations.</summary>
public sealed class MandateConfigException : Exception
{
    public MandateConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    public MandateConfigException()
        : this([])
    {
    }

    /// <summary>One problem that has no place in the file (a setting that fails when it is used): the message is that sentence alone.</summary>
    public MandateConfigException(string message)
        : base(message)
    {
        Problems = [new ConfigProblem("", 0, 0, "", message)];
    }

    public MandateConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ConfigProblem("", 0, 0, "", message)];
    }

    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Format(IReadOnlyList<ConfigProblem> problems) =>
        problems.Count == 0
            ? "invalid configuration"
            : $"invalid configuration ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):"
              + string.Concat(problems.Select(p => Environment.NewLine + "  " + p));
}
