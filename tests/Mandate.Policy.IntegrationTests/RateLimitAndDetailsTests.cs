namespace Mandate.Policy.IntegrationTests;

public sealed class RateLimitAndDetailsTests
{
    [Fact]
    public async Task Rate_limit_refuses_naming_the_rule_and_the_reset_and_counts_survive_a_restart()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.RateLimited);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(200, (await broker.ExchangeAsync()).Status);
        }

        await broker.RestartAsync();
        Assert.Equal(200, (await broker.ExchangeAsync()).Status);

        var (status, body) = await broker.ExchangeAsync();
        Assert.Equal(400, status);
        var description = body.GetProperty("error_description").GetString();
        Assert.Contains("rule 'three-refunds-an-hour' allows at most 3 credentials per user per 1h", description, StringComparison.Ordinal);
        Assert.Contains("resets at 2026-01-01T01:00:00Z", description, StringComparison.Ordinal);

        broker.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(200, (await broker.ExchangeAsync()).Status);
    }

    [Theory]
    [InlineData("""[{"type":"wire","amount":1}]""", "does not accept")]
    [InlineData("""[{"amount":1}]""", "needs a string 'type'")]
    [InlineData("""[{"type":"refund","amount":"lots","currency":"EUR"}]""", "must be a number")]
    [InlineData("""[{"type":"refund","currency":"EUR"}]""", "missing required field(s) amount")]
    [InlineData("""[{"type":"refund","amount":1,"currency":"EUR","iban":"x"}]""", "does not declare")]
    [InlineData("""{"type":"refund"}""", "JSON array")]
    [InlineData("not json", "JSON array")]
    public async Task Malformed_or_undeclared_details_are_invalid_authorization_details(string details, string message)
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);

        var (status, body) = await broker.ExchangeAsync(("authorization_details", details));

        Assert.Equal(400, status);
        Assert.Equal("invalid_authorization_details", body.GetProperty("error").GetString());
        Assert.Contains(message, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_claims_reach_conditions()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Claims);
        Assert.Equal(200, (await broker.ExchangeWithTierAsync("gold")).Status);
        var (status, body) = await broker.ExchangeWithTierAsync("free");
        Assert.Equal(400, status);
        Assert.Contains("rule 'gold-users-refund' requires when:", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }
}
