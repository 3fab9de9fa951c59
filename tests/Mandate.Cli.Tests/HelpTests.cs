namespace Mandate.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("serve")]
    [InlineData("audit")]
    [InlineData("revoke")]
    [InlineData("policy")]
    [InlineData("token")]
    [InlineData("dev")]
    [InlineData("entries")]
    [InlineData("agents")]
    public async Task Help_EveryCommand_IsListedWithADescription(string command)
    {
        var (exit, output) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Matches($@"\n\s+{command}\s+\S", output);
    }
}
