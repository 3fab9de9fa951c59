namespace Mandate.Policy.Tests;

/// <summary>
/// <see cref="RateLimit.CounterKeyAt"/>: an approval's counter, keyed in the window it was asked in, is moved to the
/// window its credential is collected in; the result is exactly the key an immediate credential would move then.
/// </summary>
public sealed class RateLimitCounterKeyTests
{
    private static readonly RateLimit Hourly = new(RateLimitPer.User, 2, TimeSpan.FromHours(1));
    private static readonly PolicyInput Alice = new()
    {
        Agent = "spiffe://acme.example/agents/support", Tool = "refunds", Scopes = [], Tenant = "acme", Subject = SubjectKind.User, User = "alice|ops", Environment = "",
    };

    private static readonly DateTimeOffset AskedAt = new(2030, 1, 2, 10, 59, 0, TimeSpan.Zero);

    [Fact]
    public void CounterKeyAt_WindowNotEnded_ReturnsTheKeyAsItIs()
    {
        var key = Hourly.CounterKey("r", Alice, AskedAt);
        var end = Hourly.WindowStart(AskedAt) + Hourly.Window;

        Assert.Equal((key, end), RateLimit.CounterKeyAt(key, end, AskedAt.AddSeconds(59)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(61)]
    [InlineData(60 * 24 * 3 + 7)]
    public void CounterKeyAt_WindowEnded_IsTheKeyAnImmediateCredentialWouldMoveThen(int minutesLater)
    {
        var key = Hourly.CounterKey("r", Alice, AskedAt);
        var collectedAt = AskedAt.AddMinutes(minutesLater);

        var (moved, end) = RateLimit.CounterKeyAt(key, Hourly.WindowStart(AskedAt) + Hourly.Window, collectedAt);

        Assert.Equal(Hourly.CounterKey("r", Alice, collectedAt), moved);
        Assert.Equal(Hourly.WindowStart(collectedAt) + Hourly.Window, end);
    }

    [Theory]
    [InlineData("no-window-part")]
    [InlineData("r|user:alice|not-a-number")]
    [InlineData("r|user:alice|-5")]
    public void CounterKeyAt_KeyNotOfTheCounterShape_ReturnsItAsItIs(string key)
    {
        var end = AskedAt;

        Assert.Equal((key, end), RateLimit.CounterKeyAt(key, end, AskedAt.AddHours(2)));
    }
}
