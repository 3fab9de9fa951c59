using System.Text.RegularExpressions;
using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary>Every <c># mandate.yaml</c> example in docs/trust-sources.md loads as written, so copy-paste works.</summary>
public sealed partial class TrustSourcesDocTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var (heading, _) in Blocks())
        {
            data.Add(heading);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Parse_DocExample_IsValidConfiguration(string section)
    {
        var yaml = Blocks().Single(b => b.Section == section).Yaml;

        var options = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "trust-sources-doc", "mandate.yaml"));

        Assert.NotEmpty(options.Issuers);
        // Every registered agent must be reachable: its trust domain is Mandate's, as the exchange requires.
        Assert.All(options.Agents, a => Assert.StartsWith($"spiffe://{options.TrustDomain}/", a.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void Doc_HasAnExampleForEveryProfile()
    {
        var profiles = Blocks().Select(b => ConfigLoader.Parse(b.Yaml, Path.Combine(Path.GetTempPath(), "trust-sources-doc", "mandate.yaml")))
            .SelectMany(o => o.Issuers).Select(i => i.Profile).Distinct().ToList();

        Assert.Equal([IssuerProfile.JwtSvid, IssuerProfile.Kubernetes, IssuerProfile.GitHubActions, IssuerProfile.Oidc], profiles.Order().Cast<IssuerProfile>());
    }

    /// <summary>The yaml blocks whose first line is <c># mandate.yaml</c>, named by the section they are in (and their number in it).</summary>
    private static List<(string Section, string Yaml)> Blocks()
    {
        var text = File.ReadAllText(DocPath());
        var blocks = new List<(string, string)>();
        var section = "";
        var inSection = 0;
        foreach (Match m in BlockOrHeading().Matches(text))
        {
            if (m.Groups["heading"].Success)
            {
                section = m.Groups["heading"].Value.Trim();
                inSection = 0;
            }
            else if (m.Groups["yaml"].Value.StartsWith("# mandate.yaml", StringComparison.Ordinal))
            {
                blocks.Add(($"{section} #{++inSection}", m.Groups["yaml"].Value));
            }
        }

        Assert.NotEmpty(blocks);
        return blocks;
    }

    private static string DocPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "trust-sources.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/trust-sources.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^## (?<heading>[^\n]+)$|^```yaml\n(?<yaml>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BlockOrHeading();
}
