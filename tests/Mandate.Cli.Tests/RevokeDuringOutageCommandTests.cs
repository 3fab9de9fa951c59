using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate revoke</c> tells the operator whether the revocation is durable or only in force in the running broker.</summary>
public sealed class RevokeDuringOutageCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _dir = new();
    private string _config = "";
    private MandateApp? _app;

    public async Task InitializeAsync()
    {
        _config = TestConfig.Write(_dir);
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
    public async Task Revoke_StoreHealthy_SaysRevokedAndRecorded()
    {
        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", _config, "--jti", "jti_healthy");

        Assert.True(exit == 0, output);
        Assert.Contains("revoked and recorded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_StoreLocked_SaysInForceNowAndRecordedWhenTheStoreReturns()
    {
        await using var blocker = new SqliteConnection($"Data Source={_app!.Runtime.Options.StorePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", _config, "--jti", "jti_outage");

        Assert.True(exit == 0, output);
        Assert.Contains("revoked in this broker now; will be recorded when the store returns", output, StringComparison.Ordinal);
        Assert.NotNull(_app.Runtime.Revocations.Find(new Core.Revocation.CredentialFacts("jti_outage", "spiffe://acme.example/agents/a", "acme", "run", null, DateTimeOffset.UtcNow)));
    }
}
