using System.Text.RegularExpressions;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate console login</c> against a real broker over its admin socket.</summary>
public sealed partial class ConsoleLoginCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ConsoleLogin_ConsoleOn_PrintsAOneTimeLinkToTheConsoleListener()
    {
        var config = TestConfig.Write(_dir);
        File.AppendAllText(config, "\nconsole: { listen: http://127.0.0.1:0 }\n");
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync("console", "login", "-c", config);
        var (_, second) = await CliRunner.RunAsync("console", "login", "-c", config);

        Assert.True(exit == 0, output);
        var link = LoginLink().Match(output);
        Assert.True(link.Success, output);
        Assert.Equal(app.ConsoleAddress!.Port, new Uri(link.Value).Port);
        Assert.Contains("works once", output, StringComparison.Ordinal);
        Assert.NotEqual(link.Value, LoginLink().Match(second).Value);
    }

    [Fact]
    public async Task ConsoleLogin_ConsoleOff_ExitsTwoAndSaysHowToTurnItOn()
    {
        var config = TestConfig.Write(_dir);
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync("console", "login", "-c", config);

        Assert.Equal(2, exit);
        Assert.Contains("console.listen", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(LoginLink(), output);
    }

    [Fact]
    public async Task ConsoleLogin_BrokerNotRunning_ExitsThreeAndNamesTheSocket()
    {
        var config = TestConfig.Write(_dir);

        var (exit, output) = await CliRunner.RunAsync("console", "login", "-c", config);

        Assert.Equal(3, exit);
        Assert.Contains("admin socket", output, StringComparison.Ordinal);
    }

    [GeneratedRegex("http://127\\.0\\.0\\.1:[0-9]+/login/one-time\\?code=[0-9a-f]{64}")]
    private static partial Regex LoginLink();
}
