namespace Mandate.Policy.Expressions;

/// <summary>
/// Bounds on one evaluation, so no policy can hang or exhaust the broker. Exceeding one stops evaluation
/// with an error; a condition that errs is treated as not matching (deny rules: as matching, fail closed).
/// </summary>
public sealed record CelLimits
{
    /// <summary>Default limits: 10,000 steps, 64 KiB strings, 10,000-element lists, 50 ms per regex match.</summary>
    public static readonly CelLimits Default = new();

    /// <summary>Evaluation steps (one per node visited, one per element iterated). Default 10,000.</summary>
    public int MaxSteps { get; init; } = 10_000;

    /// <summary>Longest string a concatenation may build, in characters. Default 65,536.</summary>
    public int MaxStringLength { get; init; } = 64 * 1024;

    /// <summary>Largest list or map a concatenation, literal, filter or map may build. Default 10,000.</summary>
    public int MaxListSize { get; init; } = 10_000;

    /// <summary>Time limit for one regular-expression match. Default 50 ms.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(50);
}
