using System.Net;
using System.Net.Sockets;
using System.Text;
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

    [Fact]
    public async Task TokenInspect_BrokerAnswers503_ExitsThree()
    {
        var (_, token) = await CliRunner.RunAsync("dev", "token", "-c", _config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answering = AnswerOnce503Async(listener);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", token.Trim(), "--broker", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        await answering.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(exit == 3, output);
        Assert.Contains("503", output, StringComparison.Ordinal);
    }

    /// <summary>One HTTP/1.1 exchange: the request's head is read, then a 503 Problem Details answer, and the connection closed.</summary>
    private static async Task AnswerOnce503Async(TcpListener listener)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16_384)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var body = """{"type":"about:blank","title":"store unavailable","status":503,"detail":"the store is unavailable","check_id":"store.unavailable"}""";
        var answer = $"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 5\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), timeout.Token);
    }
}
