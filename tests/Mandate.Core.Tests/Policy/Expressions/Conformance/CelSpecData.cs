namespace Mandate.Core.Tests.Policy.Expressions.Conformance;

/// <summary>
/// Where the google/cel-spec conformance files are: <c>../shared/cel-spec</c> beside the repository root
/// (the folder holding Mandate.slnx), either as the bare <c>testdata</c> folder or in the upstream layout
/// (<c>tests/simple/testdata</c>).
/// </summary>
internal static class CelSpecData
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder searched, for messages: <c>&lt;repo&gt;/../shared/cel-spec</c>.</summary>
    public static string ExpectedRoot =>
        Path.GetFullPath(Path.Combine(RepositoryRoot() ?? AppContext.BaseDirectory, "..", "shared", "cel-spec"));

    /// <summary>The folder of <c>*.textproto</c> files, or null when there is none.</summary>
    public static string? TestDataFolder()
    {
        foreach (var candidate in new[] { "testdata", Path.Combine("tests", "simple", "testdata") })
        {
            var folder = Path.Combine(ExpectedRoot, candidate);
            if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.textproto").Any())
            {
                return folder;
            }
        }

        return null;
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mandate.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
