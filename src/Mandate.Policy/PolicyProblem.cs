namespace Mandate.Policy;

/// <summary>
/// One thing wrong with a policy file, located precisely enough to fix without guessing.
/// </summary>
/// <param name="Path">Where in the document, e.g. <c>rules[2].max_lifetime</c>; empty for the whole file.</param>
/// <param name="Line">1-based line, or 0 when the problem is not at one place (e.g. unreadable file).</param>
/// <param name="Column">1-based column, or 0 with <paramref name="Line"/> 0.</param>
/// <param name="Message">What is wrong and what is expected instead.</param>
public sealed record PolicyProblem(string Path, int Line, int Column, string Message)
{
    /// <summary>The file the problem is in, when the policy came from a file.</summary>
    public string? File { get; init; }

    /// <summary>Compiler-style text: <c>policy.yaml:12:5: rules[0].effect: ...</c>.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File ?? "policy"}:{Line}:{Column}" : File ?? "policy";
        return Path.Length > 0 ? $"{location}: {Path}: {Message}" : $"{location}: {Message}";
    }
}
