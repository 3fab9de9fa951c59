using System.Text.RegularExpressions;
using Mandate.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Tests.Configuration;

/// <summary>
/// Every configuration snippet in the READMEs and docs/ loads as written once added to the quickstart's
/// mandate.yaml, the way a reader adds it to theirs: a documented key the loader refuses is caught here.
/// </summary>
public sealed partial class ConfigDocSnippetTests
{
    /// <summary>Top-level keys of mandate.yaml; a block whose keys are all among them is a configuration snippet.</summary>
    private static readonly HashSet<string> TopLevelKeys =
    [
        "issuer", "listen", "tls", "x509_trust_bundles", "dpop", "trust_domain", "environment", "node", "data_dir", "store",
        "admin_socket", "policy", "shadow_policy", "postgres", "lifetimes", "runs", "keys", "audit", "identity_cache", "spiffe",
        "issuers", "tools", "agents", "proxy", "console", "telemetry",
    ];

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
    public void Parse_QuickstartWithDocSnippet_IsValidConfiguration(string where)
    {
        var snippet = Blocks().Single(b => b.Where == where).Yaml;
        var quickstart = Path.Combine(Root(), "examples", "quickstart", "mandate.yaml");
        var merged = Merge(Load(File.ReadAllText(quickstart)), Load(snippet));

        var error = Record.Exception(() => ConfigLoader.Parse(Text(merged), quickstart));

        // Certificates and bundles a snippet names are the reader's own files: their absence here is no fault of the snippet.
        var problems = error is MandateConfigException invalid
            ? invalid.Problems.Where(p => !p.Message.Contains("Could not find", StringComparison.Ordinal)).ToList()
            : [];
        Assert.True(error is null or MandateConfigException, $"{where}: {error}");
        Assert.True(problems.Count == 0, $"{where}:\n" + string.Join('\n', problems));
    }

    /// <summary>
    /// The snippet's top-level keys replace the quickstart's; an entry of a list (by <c>name</c> or <c>id</c>) sets its keys on its
    /// namesake or is added, except the snippet's issuers, which are the reader's whole trust.
    /// </summary>
    private static YamlMappingNode Merge(YamlMappingNode config, YamlMappingNode snippet)
    {
        foreach (var (key, value) in snippet.Children)
        {
            if (value is YamlSequenceNode entries && key is not YamlScalarNode { Value: "issuers" } && config.Children.TryGetValue(key, out var existing) && existing is YamlSequenceNode list)
            {
                foreach (var entry in entries)
                {
                    var index = list.Children.ToList().FindIndex(e => Name(e) is { } n && n == Name(entry));
                    if (index >= 0 && list.Children[index] is YamlMappingNode namesake && entry is YamlMappingNode keys)
                    {
                        foreach (var (name, setting) in keys.Children)
                        {
                            namesake.Children[name] = setting;
                        }
                    }
                    else
                    {
                        list.Add(entry);
                    }
                }
            }
            else
            {
                config.Children[key] = value;
            }
        }

        return config;
    }

    private static string? Name(YamlNode entry) =>
        entry is YamlMappingNode m
            ? (m.Children.TryGetValue(new YamlScalarNode("name"), out var n) || m.Children.TryGetValue(new YamlScalarNode("id"), out n)) && n is YamlScalarNode s ? s.Value : null
            : null;

    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Text(YamlMappingNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The yaml blocks of the READMEs and docs/*.md whose top-level keys are all configuration keys, named by file and line.</summary>
    private static List<(string Where, string Yaml)> Blocks()
    {
        var root = Root();
        var blocks = new List<(string, string)>();
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetDirectories(Path.Combine(root, "examples")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists))
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file).ReplaceLineEndings("\n");
            foreach (Match m in YamlBlock().Matches(text))
            {
                var keys = TopKey().Matches(m.Groups["yaml"].Value).Select(k => k.Groups["key"].Value).ToList();
                if (keys.Count > 0 && keys.All(TopLevelKeys.Contains))
                {
                    var line = text.AsSpan(0, m.Index).Count('\n') + 1;
                    blocks.Add(($"{Path.GetRelativePath(root, file).Replace('\\', '/')}:{line}", m.Groups["yaml"].Value));
                }
            }
        }

        Assert.NotEmpty(blocks);
        return blocks;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mandate.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Mandate.slnx above {AppContext.BaseDirectory}: run the tests from the repository");
    }

    [GeneratedRegex(@"^```yaml\n(?<yaml>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"^(?<key>[a-z_0-9]+):", RegexOptions.Multiline)]
    private static partial Regex TopKey();
}
