namespace Mandate.Core.Configuration;

/// <summary>One thing wrong with a configuration or policy file, with where it is.</summary>
public sealed record ConfigProblem(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var what = Path.Length > 0 ? $"{Path}: {Message}" : Message;

        // A problem found where no file is known (a setting used after loading) has no place to name.
        return location.Length > 0 ? $"{location}: {what}" : what;
    }
}
