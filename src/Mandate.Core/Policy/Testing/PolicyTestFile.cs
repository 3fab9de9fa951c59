namespace Mandate.Core.Policy.Testing;

/// <summary>A parsed test file: the policy it tests and its cases, or the problems that kept it from loading.</summary>
public sealed record PolicyTestFile
{
    public required string Path { get; init; }
    public string? PolicyPath { get; init; }
    public IReadOnlyList<PolicyTestCase> Cases { get; init; } = [];
    public IReadOnlyList<string> Problems { get; init; } = [];
}
