namespace Mandate.Cli.Tests;

/// <summary>
/// A duration written correctly but longer than a duration may count is "too long", with the limit, never "not a
/// duration" (which sends the operator looking for a typo) and never a crash.
/// </summary>
public sealed class DurationLimitTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("--since", "audit", "query", "--since", "99999999d")]
    [InlineData("--until", "audit", "query", "--until", "99999999999999999999999h")]
    [InlineData("--jwt-ttl", "entries", "create", "--spiffe-id", "spiffe://acme.example/a", "--selector", "unix:uid:0", "--jwt-ttl", "99999999d")]
    [InlineData("--ttl", "dev", "token", "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a", "--ttl", "99999999d")]
    public async Task Duration_OverTheLimit_ExitsTwoSayingTooLongWithTheLimit(string name, params string[] args)
    {
        var (exit, output) = await CliRunner.RunAsync([.. args, "-c", TestConfig.Write(_dir)]);

        Assert.True(exit == 2, output);
        Assert.Contains($"{name}: '", output, StringComparison.Ordinal);
        Assert.Contains("is too long; a duration counts at most 10000000 of its unit", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not a duration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevToken_TtlPastTheCalendar_ExitsTwoSayingTooLong()
    {
        var (exit, output) = await CliRunner.RunAsync("dev", "token", "-c", TestConfig.Write(_dir), "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a", "--ttl", "10000000d");

        Assert.True(exit == 2, output);
        Assert.Contains("--ttl: '10000000d' is too long; the token would expire after the year 9999", output, StringComparison.Ordinal);
    }
}
