using System.Net;
using System.Text.Json;

namespace Mandate.Cli.Tests.Durability;

/// <summary>A real broker whose data directory fills up mid-run, then gets space back.</summary>
public sealed class DiskFullTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [SmallDiskFact]
    public async Task Invariant2_DataDirectoryFullMidRun_FailsClosedWith503ThenRecoversWithoutRestart()
    {
        using var dir = new TempFolder();
        using var disk = SmallDisk.Mount(Path.Combine(dir.Path, "data"), 24);
        var config = DurabilityConfig.Write(dir);
        var client = await ExchangeClient.CreateAsync(config);
        var received = new HashSet<string>(StringComparer.Ordinal);
        using var http = new HttpClient { Timeout = Bound };
        using var broker = await BrokerProcess.StartAsync(config, Bound);
        using var stop = new CancellationTokenSource(Bound);

        var first = await client.ExchangeAsync(http, broker.Address, stop.Token);
        Assert.True(first.Status == HttpStatusCode.OK, first.Body);
        received.Add(first.Jti!);

        var filler = Path.Combine(dir.Path, "data", "filler");
        SmallDisk.Fill(filler);
        // docs/configuration.md "The store under faults": disk full → 503 temporarily_unavailable, nothing issued.
        // Space already held by the WAL may take a few more commits before a write needs a new page.
        var refused = await ExchangeUntilAsync(client, http, broker.Address, received, HttpStatusCode.ServiceUnavailable, stop.Token);
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(refused).RootElement.GetProperty("error").GetString());

        File.Delete(filler);
        // "the broker recovers by itself on the first write that succeeds": no restart.
        await ExchangeUntilAsync(client, http, broker.Address, received, HttpStatusCode.OK, stop.Token);

        var recorded = await CrashDrill.IssuanceJtisAsync(config);
        Assert.Empty(received.Except(recorded));
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
    }

    /// <summary>Exchanges until one answers <paramref name="wanted"/>; every answer is a 200 or a 503, never a 500.</summary>
    private static async Task<string> ExchangeUntilAsync(ExchangeClient client, HttpClient http, Uri broker, HashSet<string> received, HttpStatusCode wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (status, jti, body) = await client.ExchangeAsync(http, broker, cancellationToken);
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)status}: {body}");
            if (jti is not null)
            {
                received.Add(jti);
            }

            if (status == wanted)
            {
                return body;
            }
        }
    }
}
