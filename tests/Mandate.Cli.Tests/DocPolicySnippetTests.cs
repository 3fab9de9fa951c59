using System.Text.RegularExpressions;
using Mandate.Policy;

namespace Mandate.Cli.Tests;

/// <summary>Every policy snippet in the READMEs and docs/ (a <c>rules:</c> list, or rules to add to one) loads as written.</summary>
public sealed partial class DocPolicySnippetTests
{
    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var (where, _) in Blocks())
        {
            data.Add(where);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Parse_DocPolicySnippet_IsValidPolicy(string where)
    {
        var yaml = Blocks().Single(b => b.Where == where).Yaml;

        var result = PolicyParser.Parse(yaml, where);

        Assert.True(result.IsValid, $"{where}:\n" + string.Join('\n', result.Problems));
    }

    /// <summary>The yaml blocks that hold rules, named by file and line; rules given alone are put under <c>rules:</c>, as a reader adds them.</summary>
    private static List<(string Where, string Yaml)> Blocks()
    {
        var root = DocLinkTests.Root;
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetDirectories(Path.Combine(root, "examples")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists))
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
            .Order(StringComparer.Ordinal);
        var blocks = new List<(string, string)>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file).ReplaceLineEndings("\n");
            foreach (Match m in YamlBlock().Matches(text))
            {
                var yaml = m.Groups["yaml"].Value;
                var first = yaml.Split('\n').FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')) ?? "";
                if (first.StartsWith("rules:", StringComparison.Ordinal) || first.TrimStart().StartsWith("- id:", StringComparison.Ordinal))
                {
                    var line = text.AsSpan(0, m.Index).Count('\n') + 1;
                    blocks.Add(($"{Path.GetRelativePath(root, file).Replace('\\', '/')}:{line}", first.StartsWith("rules:", StringComparison.Ordinal) ? yaml : "rules:\n" + yaml));
                }
            }
        }

        Assert.NotEmpty(blocks);
        return blocks;
    }

    [GeneratedRegex(@"^```yaml\n(?<yaml>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
