using System.Net;
using System.Text.Json;
using Mandate.Storage.Postgres;
using Mandate.Storage.Sqlite;
using Mandate.Testing;

namespace Mandate.Cli.Tests.Durability;

/// <summary><c>mandate serve</c> over a store an older Mandate wrote: migrated in place, nothing lost.</summary>
public sealed class UpgradeThroughServeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_SqliteStoreOfAnOlderSchema_IsMigratedKeepingEveryRecordAndRevocationAndIssues()
    {
        using var dir = new TempFolder();
        var config = DurabilityConfig.Write(dir);
        var older = await OlderStore.WriteSqliteAsync(dir, revokedUser: "mallory");

        await AssertUpgradedAsync(config, older, DrillStore.Sqlite(dir), OlderStore.LatestVersion(typeof(SqliteMandateStore).Assembly));
    }

    [PostgresFact]
    public async Task Serve_PostgresSchemaOfAnOlderVersion_IsMigratedKeepingEveryRecordAndRevocationAndIssues()
    {
        await using var schema = new PostgresSchema();
        using var dir = new TempFolder();
        var config = DurabilityConfig.Write(dir, schema.Store);
        var older = await OlderStore.WritePostgresAsync(schema, revokedUser: "mallory");

        await AssertUpgradedAsync(config, older, DrillStore.Postgres(schema), OlderStore.LatestVersion(typeof(PostgresMandateStore).Assembly), PostgresSchema.Kek());
    }

    private static async Task AssertUpgradedAsync(string config, IReadOnlyList<Core.Audit.AuditRecord> older, DrillStore store, int latest, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var tokens = new DevTokens(config);
        var agent = tokens.Workload(DurabilityConfig.Agent);
        using var http = new HttpClient { Timeout = Bound };
        string jti;
        using (var broker = await BrokerProcess.StartAsync(config, Bound, environment))
        {
            var alice = await new ExchangeClient(agent, tokens.User("alice")).ExchangeAsync(http, broker.Address, CancellationToken.None);
            Assert.True(alice.Status == HttpStatusCode.OK, alice.Body);
            jti = alice.Jti!;
            // The revocation the older broker recorded still takes the user tokens issued before it (docs/runs.md).
            var mallory = await new ExchangeClient(agent, tokens.User("mallory", OlderStore.At)).ExchangeAsync(http, broker.Address, CancellationToken.None);
            Assert.True(mallory.Status == HttpStatusCode.BadRequest, mallory.Body);
            Assert.Contains("rev_older_1", mallory.Body, StringComparison.Ordinal);
        }

        Assert.Equal(latest, await store.ScalarAsync("SELECT max(version) FROM schema_migrations"));
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
        var (queried, records) = await CliRunner.RunAsync("audit", "query", "-c", config, "--json", "--limit", "100000");
        Assert.True(queried == 0, records);
        var lines = records.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Every record the older broker wrote is read back as it was hashed, first in the chain, before the new ones.
        Assert.Equal(older.Select(r => r.Payload), lines.Take(older.Count).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetRawText()));
        Assert.Contains(jti, await CrashDrill.IssuanceJtisAsync(config));
    }
}
