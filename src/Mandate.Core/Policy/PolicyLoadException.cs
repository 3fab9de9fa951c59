using Mandate.Policy;

namespace Mandate.Core.Policy;

/// <summary>
/// Thrown when the policy is invalid at startup, where there is no older policy to fall back on.
/// The message lists every problem; <see cref="Problems"/> has them as data.
/// </summary>
public sealed class PolicyLoadException : Exception
{
    public PolicyLoadException()
        : this("the policy could not be loaded")
    {
    }

    public PolicyLoadException(string message)
        : base(message)
    {
    }

    public PolicyLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PolicyLoadException(string path, IReadOnlyList<PolicyProblem> problems)
        : base(Describe(path, problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, ordered by position.</summary>
    public IReadOnlyList<PolicyProblem> Problems { get; } = [];

    private static string Describe(string path, IReadOnlyList<PolicyProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var noun = problems.Count == 1 ? "problem" : "problems";
        return $"the policy {path} has {problems.Count} {noun}:{System.Environment.NewLine}"
            + string.Join(System.Environment.NewLine, problems);
    }
}
