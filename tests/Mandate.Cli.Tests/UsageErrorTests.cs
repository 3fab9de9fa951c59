namespace Mandate.Cli.Tests;

/// <summary>A command line the parser refuses: one short error, a suggestion when one is close, where to find help, exit code 2.</summary>
public sealed class UsageErrorTests
{
    [Fact]
    public async Task UnknownCommand_CloseToOne_SaysUnknownSuggestsItAndExitsTwo()
    {
        var (exit, output) = await CliRunner.RunAsync("revok");

        Assert.Equal(2, exit);
        Assert.Contains("error: unknown command 'revok'; did you mean 'revoke'?", output, StringComparison.Ordinal);
        Assert.Contains("run 'mandate --help'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_PrintsNoHelpScreen()
    {
        var (_, output) = await CliRunner.RunAsync("revok");

        Assert.DoesNotContain("Usage:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Description:", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task UnknownSubcommand_SuggestsTheCorrectedCommandAndItsParentsHelp()
    {
        var (exit, output) = await CliRunner.RunAsync("audit", "qurey");

        Assert.Equal(2, exit);
        Assert.Contains("unknown command 'audit qurey'; did you mean 'audit query'?", output, StringComparison.Ordinal);
        Assert.Contains("run 'mandate audit --help'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSubcommand_TwoNeighbouringLettersSwapped_SuggestsTheCommand()
    {
        var (exit, output) = await CliRunner.RunAsync("runs", "ned");

        Assert.Equal(2, exit);
        Assert.Contains("unknown command 'runs ned'; did you mean 'runs end'?", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_NothingClose_SuggestsNothing()
    {
        var (exit, output) = await CliRunner.RunAsync("frobnicate");

        Assert.Equal(2, exit);
        Assert.Contains("unknown command 'frobnicate'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_SuggestsTheClosestOptionOfThatCommand()
    {
        var (exit, output) = await CliRunner.RunAsync("revoke", "--jtii", "jti_x");

        Assert.Equal(2, exit);
        Assert.Contains("unknown option '--jtii' for 'mandate revoke'; did you mean '--jti'?", output, StringComparison.Ordinal);
        Assert.Contains("run 'mandate revoke --help'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCommand_NamesTheCommandsToChooseFrom()
    {
        var (exit, output) = await CliRunner.RunAsync("audit");

        Assert.Equal(2, exit);
        Assert.Contains("'mandate audit' needs a command: verify, query, trace", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runs end", "'mandate runs end' needs <run>: Run id")]
    [InlineData("approvals approve", "'mandate approvals approve' needs <id>: The approval id (auth_req_id)")]
    [InlineData("agents disable -c mandate.yaml", "'mandate agents disable' needs <agent>: The agent's SPIFFE ID")]
    public async Task MissingArgument_ExitsTwoNamingTheArgument(string command, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync(command.Split(' '));

        Assert.Equal(2, exit);
        Assert.Contains("error: " + expected, output, StringComparison.Ordinal);
        Assert.Contains($"run 'mandate {command.Split(" -")[0]} --help'", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-c", "mandate.yaml", "runs", "list")]
    [InlineData("runs", "--config", "mandate.yaml", "list")]
    public async Task OptionBeforeTheCommandThatTakesIt_SaysWhereItGoes(params string[] args)
    {
        var (exit, output) = await CliRunner.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains("is an option of 'mandate runs list' and goes after its name: mandate runs list -", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown option", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRequiredOption_ExitsTwoNamingTheOption()
    {
        var (exit, output) = await CliRunner.RunAsync("dev", "token", "--issuer", "workloads");

        Assert.Equal(2, exit);
        Assert.Contains("'--sub'", output, StringComparison.Ordinal);
        Assert.Contains("run 'mandate dev token --help'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_LimitNotANumber_IsAUsageErrorNotACrash()
    {
        var (exit, output) = await CliRunner.RunAsync("audit", "query", "--limit", "abc");

        Assert.Equal(2, exit);
        Assert.Contains("'abc'", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task RunsList_LimitBelowOne_IsAUsageErrorNotQuietlyOne(string limit)
    {
        var (exit, output) = await CliRunner.RunAsync("runs", "list", "--limit", limit);

        Assert.Equal(2, exit);
        Assert.Contains("--limit must be at least 1", output, StringComparison.Ordinal);
        Assert.Contains("run 'mandate runs list --help'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovalsList_UnknownStatus_IsAUsageErrorListingEveryStatusWithAll()
    {
        var (exit, output) = await CliRunner.RunAsync("approvals", "list", "--status", "aproved");

        Assert.Equal(2, exit);
        Assert.Contains("--status: no approval status is called 'aproved'; did you mean 'approved'?", output, StringComparison.Ordinal);
        Assert.Contains("pending, approved, denied, consumed, withdrawn, all", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ControlCharacters_AreShownEscaped()
    {
        var (_, output) = await CliRunner.RunAsync("revok\u001b[2J");

        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("revok\\u001B[2J", output, StringComparison.Ordinal);
    }
}
