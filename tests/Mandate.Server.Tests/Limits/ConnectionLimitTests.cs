using System.Diagnostics.Metrics;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RawSockets;

namespace Mandate.Server.Tests.Limits;

/// <summary>
/// <c>limits.max_connections</c> on each TCP listener: with two connections open a third is closed unanswered (and
/// counted), and once one of the two closes a new one is answered again. Each listener counts only its own.
/// </summary>
public sealed class ConnectionLimitTests : BrokerTest, IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly List<string> _rejectedOn = [];

    public ConnectionLimitTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Mandate" && instrument.Name == "mandate.connections.rejected")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "mandate.listener")
                {
                    lock (_rejectedOn)
                    {
                        _rejectedOn.Add((string)tag.Value!);
                    }
                }
            }
        });
        _meters.Start();
    }

    protected override string Configuration => TestBroker.Configuration + """

        limits: { max_connections: 2 }
        proxy: { listen: http://127.0.0.1:0 }
        console: { listen: http://127.0.0.1:0 }
        """;

    public void Dispose() => _meters.Dispose();

    [Theory]
    [InlineData("oauth", "/healthz")]
    [InlineData("proxy", "/nothing/here")]
    [InlineData("console", "/login")]
    public async Task MaxConnections_ThirdConcurrentConnection_IsClosedUnansweredUntilOneCloses(string listener, string path)
    {
        var address = listener switch
        {
            "oauth" => Broker.App.BaseAddress,
            "proxy" => Broker.App.ProxyListener.Address!,
            _ => Broker.App.ConsoleAddress!,
        };
        var first = await ConnectAsync(address);
        using var second = await ConnectAsync(address);
        Assert.StartsWith("HTTP/1.1 ", await GetAsync(first, path), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 ", await GetAsync(second, path), StringComparison.Ordinal);

        using (var third = await ConnectAsync(address))
        {
            await SendAsync(third, $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Assert.Equal("", await ReadUntilClosedAsync(third));
        }

        lock (_rejectedOn)
        {
            Assert.Contains(listener, _rejectedOn);
        }

        // One of the two closes, and its place is free again.
        first.Dispose();
        Assert.StartsWith("HTTP/1.1 ", await AnsweredOnceAFreePlaceAsync(address, path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxConnections_FullOAuthListener_LeavesTheOtherListenersOpen()
    {
        using var first = await ConnectAsync(Broker.App.BaseAddress);
        using var second = await ConnectAsync(Broker.App.BaseAddress);
        Assert.StartsWith("HTTP/1.1 200", await GetAsync(first, "/healthz"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await GetAsync(second, "/healthz"), StringComparison.Ordinal);

        using var console = await ConnectAsync(Broker.App.ConsoleAddress!);
        using var proxy = await ConnectAsync(Broker.App.ProxyListener.Address!);

        Assert.StartsWith("HTTP/1.1 ", await GetAsync(console, "/login"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 ", await GetAsync(proxy, "/nothing/here"), StringComparison.Ordinal);
    }

    /// <summary>
    /// A new connection's answer, trying again while the server has not yet seen the closed one go (it notices
    /// asynchronously); each try is one real round trip that the cap answers at once, and all of them fit in the bound.
    /// </summary>
    private static async Task<string> AnsweredOnceAFreePlaceAsync(Uri address, string path)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var next = await ConnectAsync(address);
            var answer = await GetAsync(next, path);
            if (answer.Length > 0 || waited.Elapsed > Bound)
            {
                return answer;
            }
        }
    }
}
