namespace Mandate.Cli.Tests;

public sealed class RevokeCommandTests
{
    [Fact]
    public async Task Revoke_NoTarget_ExitsTwoAndSaysWhichOptionsExist()
    {
        var (exit, output) = await CliRunner.RunAsync("revoke");

        Assert.Equal(2, exit);
        Assert.Contains("--jti, --run, --agent, --tenant or --user", output);
    }

    [Fact]
    public async Task Revoke_TwoTargets_ExitsTwo()
    {
        var (exit, _) = await CliRunner.RunAsync("revoke", "--jti", "a", "--agent", "b");

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Revoke_BrokerNotRunning_ExitsTwoAndNamesTheSocket()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, "--jti", "jti_x");

        Assert.Equal(2, exit);
        Assert.Contains("admin socket", output);
    }
}
