namespace Mandate.Policy.Tests.Expressions.Conformance;

/// <summary>
/// Where the google/cel-spec conformance files are: a copy of its <c>tests/simple/testdata</c> kept beside
/// this test (<c>cel-spec/</c>, Apache-2.0, with its LICENSE and the upstream commit in its README), so the
/// check runs on every clone and in CI without fetching anything.
/// </summary>
internal static class CelSpecData
{
    /// <summary>The folder of <c>*.textproto</c> files.</summary>
    public static string TestDataFolder()
    {
        var root = RepositoryRoot() ?? throw new InvalidOperationException($"Mandate.slnx not found above {AppContext.BaseDirectory}");
        return Path.Combine(root, "tests", "Mandate.Policy.Tests", "Expressions", "Conformance", "cel-spec", "testdata");
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
