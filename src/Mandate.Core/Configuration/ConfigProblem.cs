namespace Mandate.Core.Configuration;

/// <summary>One thing wrong with a configuration or policy file, with where it is.</summary>
public sealed record ConfigProblem(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {Path}: {Message}" : $"{File}: {Path}: {Message}";
}
