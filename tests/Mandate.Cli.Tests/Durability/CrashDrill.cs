using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// The crash drill of docs/deployment.md on one broker: concurrent clients exchange, the broker is killed with SIGKILL
/// mid-load, then started again as an operator would, with nothing cleaned up in between.
/// </summary>
internal static class CrashDrill
{
    public const int Clients = 8;
    private const int ReceivedBeforeKill = 120;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string config, IReadOnlyDictionary<string, string>? environment = null)
    {
        var client = await ExchangeClient.CreateAsync(config);
        var received = new ConcurrentDictionary<string, byte>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        using (var broker = await BrokerProcess.StartAsync(config, Bound, environment))
        {
            await LoadUntilKilledAsync(broker, client, answer =>
            {
                if (answer.Jti is not null)
                {
                    received.TryAdd(answer.Jti, 0);
                }

                statuses.Add(answer.Status);
                return received.Count >= ReceivedBeforeKill;
            });
        }

        // Only 200 before the kill; a 500 (or any other answer) would be a defect of its own.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(received.Count >= ReceivedBeforeKill, $"only {received.Count} credentials were received before the kill");

        // The stale lock, admin socket and WAL of the killed broker need no manual step: it starts and issues.
        using (var restarted = await BrokerProcess.StartAsync(config, Bound, environment))
        {
            using var http = new HttpClient { Timeout = Bound };
            var after = await client.ExchangeAsync(http, restarted.Address, CancellationToken.None);
            Assert.True(after.Status == HttpStatusCode.OK, after.Body);
            received.TryAdd(after.Jti!, 0);
        }

        var recorded = await IssuanceJtisAsync(config);
        // docs/audit.md "Audit before credential": the record is committed before the credential leaves the process.
        Assert.Empty(received.Keys.Except(recorded));
        // A record without a received credential is one committed whose reply the kill cut off: one per client at most.
        Assert.InRange(recorded.Except(received.Keys).Count(), 0, Clients);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
    }

    /// <summary>
    /// Concurrent clients exchange, each answer handed to <paramref name="answered"/>, until it says to kill; then the
    /// broker is killed with the other clients' requests in flight.
    /// </summary>
    public static async Task LoadUntilKilledAsync(BrokerProcess broker, ExchangeClient client, Func<(HttpStatusCode Status, string? Jti, string Body), bool> answered)
    {
        using var stop = new CancellationTokenSource(Bound);
        using var http = new HttpClient { Timeout = Bound };
        var killed = 0;
        var load = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                bool kill;
                try
                {
                    kill = answered(await client.ExchangeAsync(http, broker.Address, stop.Token));
                }
                catch (HttpRequestException) when (Volatile.Read(ref killed) == 1)
                {
                    return;
                }

                if (kill && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    await broker.KillHardAsync();
                }
            }
        })).ToArray();
        await Task.WhenAll(load);
        Assert.Equal(1, killed);
    }

    /// <summary>The jti of every issuance record, read as an operator would: <c>mandate audit query --kind issuance --json</c>.</summary>
    public static async Task<HashSet<string>> IssuanceJtisAsync(string config) =>
        (await AuditEventsAsync(config, "issuance")).Select(e => e.GetProperty("jti").GetString()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The events of every record of <paramref name="kind"/>: <c>mandate audit query --kind KIND --json</c>.</summary>
    public static async Task<List<JsonElement>> AuditEventsAsync(string config, string kind)
    {
        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config, "--kind", kind, "--json", "--limit", "100000");
        Assert.True(exit == 0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("event").Clone())
            .ToList();
    }
}
