using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed class PolicyDurationTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("1s", 1)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("8760h", 31_536_000)]
    public void TryParse_WholeNumberAndUnit_ReturnsSeconds(string text, int seconds)
    {
        Assert.True(PolicyDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("0s", "must be greater than zero")]
    [InlineData("0h", "must be greater than zero")]
    [InlineData("300", "not a duration")]
    [InlineData("5d", "not a duration")]
    [InlineData("5M", "not a duration")]
    [InlineData("5 m", "not a duration")]
    [InlineData(" 5m", "not a duration")]
    [InlineData("-5m", "not a duration")]
    [InlineData("+5m", "not a duration")]
    [InlineData("1.5h", "not a duration")]
    [InlineData("1h30m", "not a duration")]
    [InlineData("m", "not a duration")]
    [InlineData("", "not a duration")]
    [InlineData("\u0663m", "not a duration")]
    [InlineData("9999999999s", "not a duration")]
    [InlineData("8761h", "longer than a year")]
    [InlineData("999999999h", "longer than a year")]
    public void TryParse_BadDuration_FailsSayingWhy(string text, string expected)
    {
        Assert.False(PolicyDuration.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RuleWithMaxLifetime_CarriesItIntoRuleAndDecision()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds", "max_lifetime: 90s")));

        Assert.Equal(TimeSpan.FromSeconds(90), policy.Rules[0].MaxLifetime);
        Assert.Equal(TimeSpan.FromSeconds(90), PolicyEngine.Evaluate(policy, UserRequest).MaxLifetime);
    }

    [Fact]
    public void Parse_RuleWithoutMaxLifetime_LeavesBrokerCap()
    {
        var policy = Load(Rules(Rule("support-refunds", "allow", Support, "refunds")));

        Assert.Null(PolicyEngine.Evaluate(policy, UserRequest).MaxLifetime);
    }

    [Fact]
    public void Parse_BadMaxLifetime_ReportsItsPosition()
    {
        var problems = Problems(Rules(Rule("support-refunds", "allow", Support, "refunds", "max_lifetime: 5d")));

        var problem = Single(problems, "rules[0].max_lifetime");
        Assert.Equal((7, 19), (problem.Line, problem.Column));
        Assert.Contains("'5d' is not a duration", problem.Message, StringComparison.Ordinal);
    }
}
