using System.Text.RegularExpressions;
using Mandate.Core.Configuration;
using Mandate.Policy;
using YamlDotNet.RepresentationModel;

namespace Mandate.Cli.Tests;

/// <summary>
/// Every configuration and policy snippet of the READMEs and docs/ loads as written, the way a reader uses it: a
/// configuration snippet added to the quickstart's mandate.yaml, rules added under <c>rules:</c>.
/// </summary>
public sealed partial class DocSnippetTests
{
    /// <summary>Top-level keys of mandate.yaml; a block whose keys are all among them is a configuration snippet.</summary>
    private static readonly HashSet<string> TopLevelKeys =
    [
        "issuer", "listen", "tls", "x509_trust_bundles", "dpop", "trust_domain", "environment", "node", "data_dir", "store",
        "admin_socket", "policy", "shadow_policy", "postgres", "lifetimes", "runs", "keys", "audit", "identity_cache", "spiffe",
        "issuers", "tools", "agents", "proxy", "console", "telemetry",
    ];

    public static TheoryData<string> ConfigSnippets() => [.. ConfigBlocks().Select(b => b.Where)];

    public static TheoryData<string> PolicySnippets() => [.. PolicyBlocks().Select(b => b.Where)];

    [Theory]
    [MemberData(nameof(ConfigSnippets))]
    public void Parse_QuickstartWithDocConfigSnippet_IsValidConfiguration(string where)
    {
        var snippet = ConfigBlocks().Single(b => b.Where == where).Yaml;
        var quickstart = Path.Combine(DocLinkTests.Root, "examples", "quickstart", "mandate.yaml");
        var merged = Merge(Load(File.ReadAllText(quickstart)), Load(snippet));

        var error = Record.Exception(() => ConfigLoader.Parse(Text(merged), quickstart));

        // Certificates and bundles a snippet names are the reader's own files: their absence here is no fault of the snippet.
        var problems = error is MandateConfigException invalid
            ? invalid.Problems.Where(p => !p.Message.Contains("Could not find", StringComparison.Ordinal)).ToList()
            : [];
        Assert.True(error is null or MandateConfigException, $"{where}: {error}");
        Assert.True(problems.Count == 0, $"{where}:\n" + string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(PolicySnippets))]
    public void Parse_DocPolicySnippet_IsValidPolicy(string where)
    {
        var yaml = PolicyBlocks().Single(b => b.Where == where).Yaml;

        var result = PolicyParser.Parse(yaml, where);

        Assert.True(result.IsValid, $"{where}:\n" + string.Join('\n', result.Problems));
    }

    private static List<(string Where, string Yaml)> ConfigBlocks()
    {
        var blocks = DocPages.YamlBlocks().Where(b => TopKey().Matches(b.Yaml).Select(k => k.Groups["key"].Value).ToList() is { Count: > 0 } keys && keys.All(TopLevelKeys.Contains)).ToList();
        Assert.NotEmpty(blocks);
        return blocks;
    }

    /// <summary>The blocks that hold rules; rules given alone are put under <c>rules:</c>, as a reader adds them.</summary>
    private static List<(string Where, string Yaml)> PolicyBlocks()
    {
        var blocks = new List<(string, string)>();
        foreach (var (where, yaml) in DocPages.YamlBlocks())
        {
            var first = yaml.Split('\n').FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')) ?? "";
            if (first.StartsWith("rules:", StringComparison.Ordinal))
            {
                blocks.Add((where, yaml));
            }
            else if (first.TrimStart().StartsWith("- id:", StringComparison.Ordinal))
            {
                blocks.Add((where, "rules:\n" + yaml));
            }
        }

        Assert.NotEmpty(blocks);
        return blocks;
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

    [GeneratedRegex(@"^(?<key>[a-z_0-9]+):", RegexOptions.Multiline)]
    private static partial Regex TopKey();
}
