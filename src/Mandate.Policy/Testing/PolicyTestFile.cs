namespace Mandate.Policy.Testing;

/// <summary>A parsed test file: the policy it tests and its cases, or the problems that kept it from loading.</summary>
public sealed record PolicyTestFile
{
    public required string Path { get; init; }
    /// <summary>The policy under test: as written in the file when read from text, its full path when loaded from disk.</summary>
    public string? PolicyPath { get; init; }
    public IReadOnlyList<PolicyTestCase> Cases { get; init; } = [];
    public IReadOnlyList<string> Problems { get; init; } = [];
}
