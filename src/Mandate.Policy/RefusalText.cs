namespace Mandate.Policy;

/// <summary>
/// One refusal's words: the operator's reason and remedy, and, where they quote what the caller must not read, the
/// caller's own (null: the caller reads the operator's).
/// </summary>
internal readonly record struct RefusalText(string Reason, string Remedy)
{
    public string? CallerReason { get; init; }

    public string? CallerRemedy { get; init; }

    /// <summary>A refusal whose caller reads what the operator reads.</summary>
    public static RefusalText Same((string Reason, string Remedy) text) => new(text.Reason, text.Remedy);
}
