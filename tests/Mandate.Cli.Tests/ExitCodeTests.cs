namespace Mandate.Cli.Tests;

/// <summary>
/// One meaning per exit code for every command: 0 done, 1 the answer is no, 2 a usage or set-up error (the parser's
/// refusals and the commands' own checks alike), 3 unavailable, try again.
/// </summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("revok")]
    [InlineData("revoke")]
    [InlineData("revoke", "--jti", "a", "--agent", "b")]
    [InlineData("revoke", "--jtii", "a")]
    [InlineData("entries", "delete")]
    [InlineData("policy", "check", "/nonexistent/policy.yaml")]
    [InlineData("runs", "list", "-c", "/nonexistent/mandate.yaml")]
    [InlineData("agents", "disable", "spiffe://acme.example/agents/a", "-c", "/nonexistent/mandate.yaml")]
    public async Task UsageOrSetUpError_ExitsTwo(params string[] args)
    {
        var (exit, output) = await CliRunner.RunAsync(args);

        Assert.True(exit == 2, output);
        Assert.Contains("error:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerNotRunning_ExitsThreeForEveryAdminCommand()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var codes = new[]
        {
            await CliRunner.RunAsync("revoke", "-c", config, "--jti", "jti_x"),
            await CliRunner.RunAsync("agents", "disable", "spiffe://acme.example/agents/a", "-c", config),
            await CliRunner.RunAsync("approvals", "list", "-c", config),
            await CliRunner.RunAsync("runs", "end", "run_x", "-c", config),
        };

        Assert.All(codes, c => Assert.True(c.ExitCode == 3, c.Output));
        Assert.All(codes, c => Assert.Contains("admin socket", c.Output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-45")]
    [InlineData("2026-02-01T00:00:00+25:00")]
    public async Task AuditArchive_BeforeNotADate_ExitsTwoLikeAnyBadArgument(string before)
    {
        using var dir = new TempFolder();

        var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", TestConfig.Write(dir), "--before", before, "--to", Path.Combine(dir.Path, "a.jsonl"));

        Assert.Equal(2, exit);
        Assert.Contains("is not a date", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootHelp_DocumentsTheExitCodes()
    {
        var (exit, output) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("Exit codes: 0 done; 1 the answer is no", output, StringComparison.Ordinal);
        Assert.Contains("2 usage or set-up error", output, StringComparison.Ordinal);
        Assert.Contains("3 unavailable, try again", output, StringComparison.Ordinal);
    }
}
