using System.Text.RegularExpressions;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate entries</c> against a real broker over its admin socket.</summary>
public sealed partial class EntryCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _dir = new();
    private string _config = "";
    private MandateApp? _app;

    public async Task InitializeAsync()
    {
        _config = TestConfig.Write(_dir);
        File.AppendAllText(_config, "\nspiffe: { enabled: true }\n");
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
    public async Task Entries_CreateListDelete_RoundTrip()
    {
        var (created, createOutput) = await CliRunner.RunAsync("entries", "create", "-c", _config,
            "--spiffe-id", "spiffe://acme.example/agents/a", "--selector", "unix:uid:1000", "--selector", "unix:path:/usr/bin/agent", "--x509-ttl", "30m");
        var id = EntryId().Match(createOutput).Value;
        var (listed, listOutput) = await CliRunner.RunAsync("entries", "list", "-c", _config);
        var (deleted, deleteOutput) = await CliRunner.RunAsync("entries", "delete", id, "-c", _config, "--reason", "retired");
        var (_, emptyOutput) = await CliRunner.RunAsync("entries", "list", "-c", _config);

        Assert.True(created == 0, createOutput);
        Assert.StartsWith("ent_", id, StringComparison.Ordinal);
        Assert.Equal(0, listed);
        Assert.Contains(id, listOutput, StringComparison.Ordinal);
        Assert.Contains("spiffe://acme.example/agents/a", listOutput, StringComparison.Ordinal);
        Assert.Contains("unix:uid:1000 unix:path:/usr/bin/agent", listOutput, StringComparison.Ordinal);
        Assert.Contains("30m", listOutput, StringComparison.Ordinal);
        Assert.Equal(0, deleted);
        Assert.Contains($"deleted {id}", deleteOutput, StringComparison.Ordinal);
        Assert.Contains("no registration entries", emptyOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--selector", "unix:pid:1", "unix:uid:<n>")]
    [InlineData("--selector", "unix:path:relative/bin", "unix:path:<absolute path>")]
    [InlineData("--spiffe-id", "spiffe://ACME.example/agents/a", "is not a SPIFFE ID")]
    [InlineData("--spiffe-id", "spiffe://acme.example/agents/a/", "is not a SPIFFE ID")]
    [InlineData("--x509-ttl", "soon", "--x509-ttl: 'soon' is not a duration")]
    [InlineData("--jwt-ttl", "5", "--jwt-ttl: '5' is not a duration")]
    public async Task Invariant7_EntriesCreate_MalformedArgument_ExitsTwoNamingItAndCreatesNothing(string option, string value, string expected)
    {
        string[] args = option == "--spiffe-id"
            ? ["entries", "create", "-c", _config, "--spiffe-id", value, "--selector", "unix:uid:0"]
            : ["entries", "create", "-c", _config, "--spiffe-id", "spiffe://acme.example/agents/a", "--selector", "unix:uid:0", option, value];
        var (exit, output) = await CliRunner.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("no registration entries", (await CliRunner.RunAsync("entries", "list", "-c", _config)).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--spiffe-id", "spiffe://evil.example/a", "outside Mandate's trust domain")]
    [InlineData("--jwt-ttl", "2h", "jwt_ttl must be more than 0 and at most 1h")]
    [InlineData("--x509-ttl", "48h", "x509_ttl must be more than 0 and at most 24h")]
    public async Task Invariant7_EntriesCreate_ArgumentTheBrokerFindsMalformed_ExitsTwoAndCreatesNothing(string option, string value, string expected)
    {
        string[] args = option == "--spiffe-id"
            ? ["entries", "create", "-c", _config, "--spiffe-id", value, "--selector", "unix:uid:0"]
            : ["entries", "create", "-c", _config, "--spiffe-id", "spiffe://acme.example/agents/a", "--selector", "unix:uid:0", option, value];

        var (exit, output) = await CliRunner.RunAsync(args);

        Assert.True(exit == 2, output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("no registration entries", (await CliRunner.RunAsync("entries", "list", "-c", _config)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntriesCreate_NoSelector_ExitsTwo()
    {
        var (exit, output) = await CliRunner.RunAsync("entries", "create", "-c", _config, "--spiffe-id", "spiffe://acme.example/agents/a");

        Assert.Equal(2, exit);
        Assert.Contains("--selector", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntriesDelete_Unknown_ExitsOne()
    {
        var (exit, output) = await CliRunner.RunAsync("entries", "delete", "ent_missing", "-c", _config);

        Assert.Equal(1, exit);
        Assert.Contains("mandate entries list", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntriesList_BrokerNotRunning_ExitsThreeAndNamesTheSocket()
    {
        using var other = new TempFolder();

        var (exit, output) = await CliRunner.RunAsync("entries", "list", "-c", TestConfig.Write(other));

        Assert.Equal(3, exit);
        Assert.Contains("admin socket", output, StringComparison.Ordinal);
    }

    [GeneratedRegex("ent_[A-Za-z0-9_-]+")]
    private static partial Regex EntryId();
}
