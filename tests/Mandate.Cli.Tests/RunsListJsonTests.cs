using System.Text.Json;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate runs list --json</c>: the runs as the admin API lists them, for scripts, as the other listings offer.</summary>
public sealed class RunsListJsonTests
{
    private const string Agent = "spiffe://acme.example/agents/a";

    [Fact]
    public async Task RunsList_Json_PrintsOneArrayInTheAdminApiShape()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var now = DateTimeOffset.UtcNow;
        await WriteRunsAsync(dir, Run("run_a", now.AddMinutes(-2)), Run("run_b", now.AddMinutes(-1)) with { User = "alice" });

        var (exit, output) = await CliRunner.RunAsync("runs", "list", "-c", config, "--json");

        Assert.True(exit == 0, output);
        using var json = JsonDocument.Parse(output);
        var runs = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["run_b", "run_a"], runs.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("alice", runs[0].GetProperty("user").GetString());
        Assert.Equal("acme", runs[0].GetProperty("tenant").GetString());
        Assert.Equal(Agent, runs[0].GetProperty("agent").GetString());
    }

    [Fact]
    public async Task RunsList_JsonNothingMatches_PrintsAnEmptyArray()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await WriteRunsAsync(dir, Run("run_a", DateTimeOffset.UtcNow));

        var (exit, output) = await CliRunner.RunAsync("runs", "list", "-c", config, "--json", "--tenant", "globex");

        Assert.True(exit == 0, output);
        Assert.Equal("[]", output.Trim());
    }

    private static RunRecord Run(string id, DateTimeOffset started) => new()
    {
        Id = id, Lineage = id, Depth = 0, MaxDepth = 3, Agent = Agent, Tenant = "acme", Actors = [Agent],
        Envelope = new RunEnvelope([new KeyValuePair<string, IEnumerable<string>>("crm", ["crm:read"])]),
        StartedAt = started, ExpiresAt = started.AddHours(1), DecisionId = "dec-" + id, PolicyVersion = "sha256:9f2c", Node = "node-a",
    };

    private static async Task WriteRunsAsync(TempFolder dir, params RunRecord[] runs)
    {
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = db });
        await store.MigrateAsync(CancellationToken.None);
        await store.CommitAsync(new StoreBatch(runs), CancellationToken.None);
    }
}
