namespace Mandate.Fuzz.Running;

/// <summary>What the oracle concluded about one input.</summary>
internal enum FuzzOutcome
{
    /// <summary>The parser returned a result (HTTP 2xx).</summary>
    Accepted,

    /// <summary>The parser refused the input the documented way.</summary>
    Refused,

    /// <summary>The parser broke its contract without throwing.</summary>
    Violation,

    /// <summary>The broker answered 500 or more.</summary>
    ServerError,

    /// <summary>The broker refused the request but the store changed.</summary>
    StateChange,
}

internal readonly record struct Verdict(FuzzOutcome Outcome, string? Detail)
{
    public static Verdict Accepted { get; } = new(FuzzOutcome.Accepted, null);

    public static Verdict Refused { get; } = new(FuzzOutcome.Refused, null);

    public static Verdict Broken(string why) => new(FuzzOutcome.Violation, why);

    public static ValueTask<Verdict> Task(Verdict verdict) => ValueTask.FromResult(verdict);
}
