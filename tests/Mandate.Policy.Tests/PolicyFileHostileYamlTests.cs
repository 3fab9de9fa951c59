using System.Diagnostics;
using System.Text;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// Policy files a careless or hostile author writes: each is refused with its line and key, quickly and in bounded
/// memory, or read exactly as docs/policy.md says. A refused file never yields a snapshot, so the broker keeps the
/// version in force.
/// </summary>
public sealed class PolicyFileHostileYamlTests
{
    // Generous for a shared CI machine; before the read stopped at the depth limit, this input took over a minute.
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(10);

    [Fact]
    public void Parse_FlowCollectionsNestedAHundredThousandDeep_IsRefusedQuicklyAtTheFirstLevelTooDeep()
    {
        var yaml = "rules: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var clock = Stopwatch.StartNew();
        var problems = PolicyParser.Parse(yaml, "policy.yaml").Problems;

        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        var problem = Assert.Single(problems, p => p.Message.Contains("nested deeper than 32 levels", StringComparison.Ordinal));
        Assert.Equal(("policy.yaml", 1), (problem.File, problem.Line));
    }

    [Theory]
    [InlineData("    effect: !!python/object:os.system allow\n", 4, "rules[0].effect", "!!python/object:os.system")]
    [InlineData("    effect: !!str allow\n", 4, "rules[0].effect", "!!str")]
    [InlineData("    effect: !custom allow\n", 4, "rules[0].effect", "!custom")]
    public void Parse_YamlTagOnAValue_IsRefusedNamingLineKeyAndTag(string effectLine, int line, string path, string tag)
    {
        var yaml = Rules(Rule("a", "allow", Support, "refunds")).Replace("    effect: allow\n", effectLine, StringComparison.Ordinal);

        var problem = Single(Problems(yaml), path);

        Assert.Equal(line, problem.Line);
        Assert.Contains($"YAML tags ('{tag}') are not supported", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_lifetime: !!null 5m", "rules[0].max_lifetime")]
    [InlineData("scopes: !!null [refunds:read]", "rules[0].scopes")]
    [InlineData("tenant: !!seq [acme]", "rules[0].tenant")]
    public void Parse_TagThatAnotherYamlReaderHonours_IsRefusedNotIgnored(string line, string path)
    {
        // Ignored, '!!null 5m' reads as "no cap" to a reviewer's YAML tool and as 5m to the broker.
        var problem = Single(Problems(Rules(Rule("a", "allow", Support, "refunds", line))), path);

        Assert.Contains("YAML tags", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TagDirectiveNamingAForeignTag_IsRefused()
    {
        var problem = Single(Problems("%TAG ! tag:evil.example,2000:\n---\nrules: !x []\n"), "rules");

        Assert.Equal(3, problem.Line);
        Assert.Contains("'tag:evil.example,2000:x'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BillionLaughsAliasBomb_IsRefusedWithoutExpandingAnAlias()
    {
        var yaml = new StringBuilder("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        yaml.Append("rules: *a9\n");

        var clock = Stopwatch.StartNew();
        var problems = Problems(yaml.ToString());

        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        // 81 aliases, 10 anchors and 10 unknown keys: the read stops at the problem bound, before 'rules: *a9'.
        Assert.InRange(problems.Count, 1, PolicyParser.MaxProblems + 1);
        Assert.Contains(problems, p => p.Line == 2 && p.Message.Contains("aliases", StringComparison.Ordinal));
        Assert.Contains("stopped after", problems[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NorwayProblemValues_AreReadAsTheNamesWritten()
    {
        // YAML 1.1 would read no/on/yes as booleans and 0x10/1e3 as numbers; policy names are the text as written.
        var policy = Load(Rules(Rule("a", "allow", Support, "no, on, yes, 0x10, 1e3", "tenant: [no, 0x10]", "environments: [off]")));

        var rule = Assert.Single(policy.Rules);
        Assert.Equal(["no", "on", "yes", "0x10", "1e3"], rule.Tools.ToArray());
        Assert.Equal(["no", "0x10"], rule.Tenants.ToArray());
        Assert.Equal(["off"], rule.Environments!.ToArray());
    }

    [Theory]
    [InlineData("rate_limit: {per: user, max: 1e3, window: 1h}", "rules[0].rate_limit.max")]
    [InlineData("rate_limit: {per: user, max: 0x10, window: 1h}", "rules[0].rate_limit.max")]
    [InlineData("max_lifetime: 1e3s", "rules[0].max_lifetime")]
    [InlineData("mcp: {tools: [lookup], record_arguments: yes}", "rules[0].mcp.record_arguments")]
    public void Parse_NorwayProblemWhereANumberOrBoolIsExpected_IsRefusedAtTheKey(string line, string path)
    {
        Single(Problems(Rules(Rule("a", "allow", Support, "refunds", line))), path);
    }

    [Fact]
    public void Parse_TwoByteOrderMarks_IsRefusedNotReadAsRules()
    {
        var bom = Encoding.UTF8.Preamble.ToArray();
        var bytes = bom.Concat(bom).Concat(Encoding.UTF8.GetBytes("rules: []\n")).ToArray();

        var result = PolicyParser.Parse(bytes, "policy.yaml");

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Message.Contains("missing required key 'rules'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TenMegabyteFile_IsRefusedBySize()
    {
        var problem = Assert.Single(Problems("# " + new string('x', 10 * 1024 * 1024) + "\nrules: []\n"));

        Assert.Contains("larger than", problem.Message, StringComparison.Ordinal);
    }
}
