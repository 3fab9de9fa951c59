using System.Text.RegularExpressions;

namespace Mandate.Cli.Tests;

/// <summary>The pages a reader follows, README.md, the examples' READMEs and docs/*.md, and their yaml blocks.</summary>
internal static partial class DocPages
{
    /// <summary>Every page, in a stable order.</summary>
    public static IEnumerable<string> All() =>
        new[] { Path.Combine(DocLinkTests.Root, "README.md") }
            .Concat(Directory.GetDirectories(Path.Combine(DocLinkTests.Root, "examples")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists))
            .Concat(Directory.GetFiles(Path.Combine(DocLinkTests.Root, "docs"), "*.md"))
            .Order(StringComparer.Ordinal);

    /// <summary>Every <c>```yaml</c> block of every page, named by its page and line (<c>docs/policy.md:10</c>).</summary>
    public static IEnumerable<(string Where, string Yaml)> YamlBlocks()
    {
        foreach (var file in All())
        {
            var text = File.ReadAllText(file).ReplaceLineEndings("\n");
            foreach (Match m in YamlBlock().Matches(text))
            {
                var line = text.AsSpan(0, m.Index).Count('\n') + 1;
                yield return ($"{Path.GetRelativePath(DocLinkTests.Root, file).Replace('\\', '/')}:{line}", m.Groups["yaml"].Value);
            }
        }
    }

    [GeneratedRegex(@"^```yaml\n(?<yaml>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
