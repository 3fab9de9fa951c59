using Mandate.Policy;
using Mandate.Policy.Testing;

namespace Mandate.Core.Policy.Testing;

/// <summary>
/// Reads policy test files from disk and hands their text to <see cref="PolicyTestReader"/>; resolves each file's
/// <c>policy:</c> relative to the file.
/// </summary>
public static class PolicyTestLoader
{
    /// <summary>What a YAML file in a test folder is (see <see cref="PolicyTestReader.Probe"/>); an unreadable file is a failure.</summary>
    public static PolicyTestProbe Probe(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadText(path, out var problem) is { } text
            ? PolicyTestReader.Probe(text, path)
            : new PolicyTestProbe(PolicyTestFileKind.Unreadable, problem);
    }

    /// <summary>Reads a test file; <see cref="PolicyTestFile.PolicyPath"/> is the full path of the policy it tests.</summary>
    public static PolicyTestFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (ReadText(path, out var problem) is not { } text)
        {
            return new PolicyTestFile { Path = path, Problems = [problem ?? $"{path}: cannot read the file"] };
        }

        var file = PolicyTestReader.Read(text, path);
        if (file.PolicyPath is not { } policy)
        {
            return file;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;
        return file with { PolicyPath = Path.GetFullPath(Path.Combine(directory, policy)) };
    }

    private static string? ReadText(string path, out string? problem)
    {
        try
        {
            problem = null;
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{path}: cannot read the file: {e.Message}";
            return null;
        }
    }
}
