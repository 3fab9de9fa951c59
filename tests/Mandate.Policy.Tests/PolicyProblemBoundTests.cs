using System.Text;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// docs/policy.md (Validation): a load reports at most 100 problems and then one line
/// saying it stopped, so a file with a million mistakes fails as quickly and as small as a file with a hundred.
/// </summary>
public sealed class PolicyProblemBoundTests
{
    private const int Bound = 100;
    private const string Stopped = "stopped after 100 problems";

    [Fact]
    public void Parse_ThreeMegabytesOfAliases_ReportsTheBoundAndSaysItStopped()
    {
        var yaml = new StringBuilder("rules: [").Insert(8, "*a,", 1_000_000).Append("*a]").ToString();

        AssertBounded(PolicyParser.Parse(yaml));
    }

    [Fact]
    public void Parse_ThreeMegabytesOfBareAliases_ReportsTheBoundAndSaysItStopped()
    {
        AssertBounded(PolicyParser.Parse(new StringBuilder().Insert(0, "*a,", 1_000_000).ToString()), atLeast: 1);
    }

    [Fact]
    public void Parse_ManyRulesWithUnknownKeys_ReportsTheBoundAndSaysItStopped()
    {
        var yaml = Rules([.. Enumerable.Range(0, 20_000).Select(i => $"  - {{id: r{i}, colour: red}}\n")]);

        AssertBounded(PolicyParser.Parse(yaml));
    }

    [Fact]
    public void Parse_OneRuleWithManyBadAgents_ReportsTheBoundAndSaysItStopped()
    {
        var agents = string.Join(", ", Enumerable.Range(0, 50_000).Select(i => $"not-a-spiffe-id-{i}"));
        var yaml = Rules(Rule("many-agents", "allow", Support, "refunds").Replace($"agents: [\"{Support}\"]", $"agents: [{agents}]", StringComparison.Ordinal));

        AssertBounded(PolicyParser.Parse(yaml));
    }

    [Fact]
    public void Parse_ExactlyTheBound_ReportsEveryProblemAndNoStopLine()
    {
        var yaml = Rules([.. Enumerable.Range(0, 50).Select(i => $"  - {{id: r{i}, reason: x, effect: permit, agents: [\"{Support}\"], tools: [refunds], colour: red}}\n")]);

        var problems = Problems(yaml);

        Assert.Equal(100, problems.Count);
        Assert.DoesNotContain(problems, p => p.Message.Contains(Stopped, StringComparison.Ordinal));
    }

    private static void AssertBounded(PolicyLoadResult result, int atLeast = Bound)
    {
        Assert.False(result.IsValid);
        Assert.InRange(result.Problems.Count, atLeast, Bound + 1);
        if (result.Problems.Count > Bound)
        {
            Assert.Contains(Stopped, result.Problems[^1].Message, StringComparison.Ordinal);
        }
    }
}
