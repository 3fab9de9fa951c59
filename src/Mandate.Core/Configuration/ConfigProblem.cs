namespace Mandate.Core.Configuration;

/// <summary>One thing wrong with a configuration or policy file, with where it is.</summary>
public sealed record ConfigProblem(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Path.Length > 0 ? $"{location}: {Path}: {Message}" : $"{location}: {Message}";
    }
}
