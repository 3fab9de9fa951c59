using Mandate.Server.Hosting;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate agents disable|enable</c> against a real broker over its admin socket.</summary>
public sealed class AgentCommandTests : IAsyncLifetime, IDisposable
{
    private const string Agent = "spiffe://acme.example/agents/a";
    private readonly TempFolder _dir = new();
    private string _config = "";
    private MandateApp? _app;

    public async Task InitializeAsync()
    {
        _config = TestConfig.Write(_dir);
        _app = await TestBroker.StartAsync(_config);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AgentsDisable_ThrowsTheKillSwitch_AsRevokeAgentDoes()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "disable", Agent, "-c", _config, "--reason", "incident 42");

        Assert.True(exit == 0, output);
        Assert.Contains($"revoked and recorded: agent {Agent}", output, StringComparison.Ordinal);
        Assert.Contains("the agent gets nothing new until 'mandate agents enable'", output, StringComparison.Ordinal);
        Assert.Equal("incident 42", _app!.Runtime.Revocations.DisabledBy(Agent)?.Reason);
    }

    [Fact]
    public async Task AgentsDisable_ThenEnable_LiftsTheKillSwitch()
    {
        await CliRunner.RunAsync("agents", "disable", Agent, "-c", _config);

        var (exit, output) = await CliRunner.RunAsync("agents", "enable", Agent, "-c", _config, "--reason", "fixed");

        Assert.True(exit == 0, output);
        Assert.Contains($"enabled {Agent}", output, StringComparison.Ordinal);
        Assert.Null(_app!.Runtime.Revocations.DisabledBy(Agent));
    }

    [Theory]
    [InlineData("revoke", "--tenant", "")]
    [InlineData("revoke", "--user", " ")]
    [InlineData("revoke", "--agent", Agent + " ")]
    [InlineData("agents", "disable", "spiffe://acme.example/agents/a/")]
    public async Task Invariant7_RevokeMalformedValue_ExitsTwoAndRevokesNothing(string command, string option, string value)
    {
        var (exit, output) = await CliRunner.RunAsync(command, option, value, "-c", _config);

        Assert.True(exit == 2, output);
        Assert.DoesNotContain("revoked", output, StringComparison.Ordinal);
        Assert.Equal(0, _app!.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData("support")]
    [InlineData("spiffe://acme.example/agents/a/")]
    public async Task AgentsEnable_NotASpiffeId_ExitsTwoNamingTheRule(string value)
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "enable", value, "-c", _config);

        Assert.True(exit == 2, output);
        Assert.Contains($"'{value}' is not a SPIFFE ID", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not disabled", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsEnable_AgentNotDisabled_ExitsOne()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "enable", Agent, "-c", _config);

        Assert.Equal(1, exit);
        Assert.Contains("is not disabled", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsDisable_IdNoAgentIsRegisteredWith_NotesItSoATypoIsNoticed()
    {
        const string typo = "spiffe://acme.example/agents/b";

        var (exit, output) = await CliRunner.RunAsync("agents", "disable", typo, "-c", _config);

        Assert.True(exit == 0, output);
        Assert.Contains($"note: no agent {typo} is registered in", output, StringComparison.Ordinal);
        Assert.Contains("check the SPIFFE ID", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsDisable_RegisteredAgent_NoNote()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "disable", Agent, "-c", _config);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("note:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsDisable_PrintsWhatRevokeAgentPrints()
    {
        var (_, disabled) = await CliRunner.RunAsync("agents", "disable", Agent, "-c", _config);
        await CliRunner.RunAsync("agents", "enable", Agent, "-c", _config);
        var (_, revoked) = await CliRunner.RunAsync("revoke", "--agent", Agent, "-c", _config);

        Assert.Equal(WithoutIds(revoked), WithoutIds(disabled));
    }

    [Fact]
    public async Task AgentsDisable_NoAgent_IsAUsageError()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "disable", "-c", _config);

        Assert.Equal(2, exit);
        Assert.Contains("run 'mandate agents disable --help'", output, StringComparison.Ordinal);
        Assert.Null(_app!.Runtime.Revocations.DisabledBy(Agent));
    }

    [Fact]
    public async Task AgentsHelp_ListsDisableAndEnable()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "--help");

        Assert.Equal(0, exit);
        Assert.Matches(@"\n\s+disable <agent>\s+\S", output);
        Assert.Matches(@"\n\s+enable <agent>\s+\S", output);
    }

    private static string WithoutIds(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\(rev_[^)]*\)", "(rev)");
}
