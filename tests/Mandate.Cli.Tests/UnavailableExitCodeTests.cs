using Mandate.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary>
/// Exit code 3, "unavailable, nothing done, try again": a broker whose store is unavailable answers 503, which decided
/// nothing, so a script must not read it as "no" (1) nor as its own mistake (2).
/// </summary>
public sealed class UnavailableExitCodeTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _dir = new();
    private string _config = "";
    private MandateApp? _app;

    public async Task InitializeAsync()
    {
        _config = TestConfig.Write(_dir);
        File.AppendAllText(_config, "\nspiffe: { enabled: true }\n");
        _app = await TestBroker.StartAsync(_config, storeBusyTimeout: TimeSpan.FromMilliseconds(300));
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
    public async Task AdminCommand_BrokerAnswers503_ExitsThreeAndSaysTryAgain()
    {
        await using var blocker = new SqliteConnection($"Data Source={_app!.Runtime.Options.StorePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var (exit, output) = await CliRunner.RunAsync("entries", "create", "-c", _config, "--spiffe-id", "spiffe://acme.example/agents/a", "--selector", "unix:uid:0");

        Assert.True(exit == 3, output);
        Assert.Contains("run the command again later", output, StringComparison.Ordinal);
    }
}
