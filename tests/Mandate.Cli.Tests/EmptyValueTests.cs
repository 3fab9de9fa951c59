namespace Mandate.Cli.Tests;

/// <summary>
/// An empty value (an unset shell variable, most often) is refused with exit 2 naming the option, before any store or
/// broker is asked: a filter on "" would read as "no records", a target "" would act on nothing.
/// </summary>
public sealed class EmptyValueTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("--user", "audit", "query", "--user", "")]
    [InlineData("--agent", "audit", "query", "--agent", "")]
    [InlineData("--tenant", "audit", "query", "--tenant", " ")]
    [InlineData("--run", "audit", "query", "--run", "")]
    [InlineData("--jti", "audit", "query", "--jti", "")]
    [InlineData("--run", "audit", "trace", "--run", "")]
    [InlineData("--user", "runs", "list", "--user", "")]
    [InlineData("--tenant", "runs", "list", "--tenant", "")]
    [InlineData("--agent", "runs", "list", "--agent", "")]
    [InlineData("<run>", "runs", "show", "")]
    [InlineData("<run>", "runs", "end", "")]
    [InlineData("--user", "revoke", "--user", "")]
    [InlineData("--run", "revoke", "--run", "")]
    [InlineData("--reason", "revoke", "--jti", "jti_x", "--reason", "")]
    [InlineData("<agent>", "agents", "disable", "")]
    [InlineData("<agent>", "agents", "enable", "")]
    [InlineData("<id>", "approvals", "approve", "")]
    [InlineData("--approver", "approvals", "deny", "areq_x", "--approver", "")]
    [InlineData("--approver", "approvals", "approve", "areq_x", "--approver", "  ")]
    [InlineData("<id>", "entries", "delete", "")]
    [InlineData("<tool>", "secrets", "delete", "")]
    [InlineData("--from-env", "secrets", "set", "stripe", "--from-env", "")]
    [InlineData("--sub", "dev", "token", "--issuer", "workloads", "--sub", "")]
    [InlineData("--kind", "audit", "query", "--kind", "")]
    [InlineData("--since", "audit", "query", "--since", "")]
    [InlineData("--status", "approvals", "list", "--status", "")]
    [InlineData("--to", "audit", "archive", "--before", "2026-01-01", "--to", "")]
    public async Task Option_EmptyValue_ExitsTwoNamingIt(string name, params string[] args)
    {
        var config = TestConfig.Write(_dir);

        var (exit, output) = await CliRunner.RunAsync([.. args, "-c", config]);

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {name} is empty", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequiredOption_EmptyValue_SaysToGiveIt()
    {
        var (exit, output) = await CliRunner.RunAsync("audit", "trace", "-c", TestConfig.Write(_dir), "--run", "");

        Assert.Equal(2, exit);
        Assert.Contains("error: --run is empty; give its value", output, StringComparison.Ordinal);
    }
}
