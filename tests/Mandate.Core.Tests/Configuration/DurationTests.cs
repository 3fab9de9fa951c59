using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 604800)]
    public void TryParse_NumberAndUnit_Parses(string text, int seconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("5")]
    [InlineData("0s")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData(" 5m")]
    [InlineData("5 m")]
    [InlineData("5M")]
    [InlineData("1.5h")]
    [InlineData("5ms")]
    [InlineData("1w")]
    [InlineData("10000001s")]
    [InlineData("99999999999999999999d")]
    public void TryParse_Malformed_Fails(string? text)
    {
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("10000001s", true)]
    [InlineData("99999999999999999999d", true)]
    [InlineData("10000000d", false)]
    [InlineData("0s", false)]
    [InlineData("000s", false)]
    [InlineData("5ms", false)]
    [InlineData("1w", false)]
    [InlineData("-99999999d", false)]
    [InlineData("yesterday", false)]
    public void IsTooLong_OnlyForAWellWrittenCountOverTheLimit(string text, bool tooLong)
    {
        Assert.Equal(tooLong, Duration.IsTooLong(text));
    }

    [Theory]
    [InlineData(90, "90s")]
    [InlineData(300, "5m")]
    [InlineData(5400, "90m")]
    [InlineData(7200, "2h")]
    [InlineData(172800, "2d")]
    public void Format_UsesTheLargestWholeUnit(int seconds, string expected)
    {
        Assert.Equal(expected, Duration.Format(TimeSpan.FromSeconds(seconds)));
    }
}
