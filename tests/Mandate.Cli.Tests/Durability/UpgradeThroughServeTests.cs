using System.Net;

namespace Mandate.Cli.Tests.Durability;

/// <summary><c>mandate serve</c> over a data directory an older Mandate wrote: migrated in place, nothing lost.</summary>
public sealed class UpgradeThroughServeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_StoreOfAnOlderSchema_IsMigratedKeepingEveryRecordAndRevocationAndIssues()
    {
        using var dir = new TempFolder();
        var config = DurabilityConfig.Write(dir);
        var older = await OlderStore.WriteAsync(dir, revokedUser: "mallory");
        using var tokens = new DevTokens(config);
        var agent = tokens.Workload(DurabilityConfig.Agent);
        using var http = new HttpClient { Timeout = Bound };
        string jti;
        using (var broker = await BrokerProcess.StartAsync(config, Bound))
        {
            var alice = await new ExchangeClient(agent, tokens.User("alice")).ExchangeAsync(http, broker.Address, CancellationToken.None);
            Assert.True(alice.Status == HttpStatusCode.OK, alice.Body);
            jti = alice.Jti!;
            // The revocation the older broker recorded still takes the user tokens issued before it (docs/runs.md).
            var mallory = await new ExchangeClient(agent, tokens.User("mallory", OlderStore.At)).ExchangeAsync(http, broker.Address, CancellationToken.None);
            Assert.True(mallory.Status == HttpStatusCode.BadRequest, mallory.Body);
            Assert.Contains("rev_older_1", mallory.Body, StringComparison.Ordinal);
        }

        Assert.Equal((long)OlderStore.LatestVersion, await DrillStore.Sqlite(dir).ScalarAsync("SELECT max(version) FROM schema_migrations"));
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
        var (queried, records) = await CliRunner.RunAsync("audit", "query", "-c", config, "--json", "--limit", "100000");
        Assert.True(queried == 0, records);
        var lines = records.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Every record the older broker wrote is read back as it was hashed, first in the chain, before the new ones.
        Assert.Equal(older.Select(r => r.Payload), lines.Take(older.Count).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("event").GetRawText()));
        Assert.Contains(jti, await CrashDrill.IssuanceJtisAsync(config));
    }
}
