using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>Runs: one row per agent execution, sub-agent runs below their parent.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task GetRunAsync_Committed_RoundTripsEveryField()
    {
        await using var store = await CreateMigratedStoreAsync();
        var written = Run("run-1", startedSeconds: 0) with { User = "alice", UserIssuer = "https://login.acme.example" };

        await store.CommitAsync(new StoreBatch(written, StoreTestData.Event(1)), Cancellation);

        var read = await store.GetRunAsync("run-1", Cancellation);
        Assert.NotNull(read);
        Assert.Equal(written.Envelope.ToJson(), read.Envelope.ToJson());
        Assert.Equal(written.Actors, read.Actors);
        Assert.Equal(written with { Envelope = read.Envelope, Actors = read.Actors }, read);
        Assert.Equal(written.StartedAt.UtcTicks, read.StartedAt.UtcTicks);
        Assert.Null(await store.GetRunAsync("missing", Cancellation));
    }

    [StoreFact]
    public async Task CommitAsync_RunAgain_OnlyItsEndChanges()
    {
        await using var store = await CreateMigratedStoreAsync();
        var run = Run("run-1", startedSeconds: 0);
        await store.CommitAsync(new StoreBatch(run), Cancellation);

        var ended = run with { Agent = "spiffe://acme.example/agents/other", EndedAt = StoreTestData.Epoch.AddMinutes(3), EndedBy = "admin:carol", EndReason = "done" };
        await store.CommitAsync(new StoreBatch(ended), Cancellation);

        var read = await store.GetRunAsync("run-1", Cancellation);
        Assert.NotNull(read);
        Assert.Equal(run.Agent, read.Agent);
        Assert.Equal((ended.EndedAt, "admin:carol", "done"), (read.EndedAt, read.EndedBy, read.EndReason));
    }

    [StoreFact]
    public async Task ListRunsAsync_Filters_NewestFirst()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(Run("a", startedSeconds: 1), Run("b", startedSeconds: 3) with { Tenant = "globex" }, Run("c", startedSeconds: 2) with { User = "bob" }, Run("d", startedSeconds: 4) with { Agent = "spiffe://acme.example/agents/other" }),
            Cancellation);

        Assert.Equal(["d", "b", "c", "a"], (await store.ListRunsAsync(new RunQuery(), Cancellation)).Select(r => r.Id));
        Assert.Equal(["b"], (await store.ListRunsAsync(new RunQuery { Tenant = "globex" }, Cancellation)).Select(r => r.Id));
        Assert.Equal(["c"], (await store.ListRunsAsync(new RunQuery { User = "bob" }, Cancellation)).Select(r => r.Id));
        Assert.Equal(["b", "c", "a"], (await store.ListRunsAsync(new RunQuery { Agent = Agent }, Cancellation)).Select(r => r.Id));
        Assert.Equal(["d", "b"], (await store.ListRunsAsync(new RunQuery { Limit = 2 }, Cancellation)).Select(r => r.Id));
        Assert.Empty(await store.ListRunsAsync(new RunQuery { Tenant = "nobody" }, Cancellation));
    }

    [StoreFact]
    public async Task ListRunsAsync_SubtreeOf_TheRunAndEveryRunBelowIt()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(Run("r1", startedSeconds: 1), Run("r1c", startedSeconds: 2) with { ParentId = "r1", Lineage = "r1/r1c", Depth = 1 }, Run("r1cc", startedSeconds: 3) with { ParentId = "r1c", Lineage = "r1/r1c/r1cc", Depth = 2 }, Run("r10", startedSeconds: 4), Run("r2", startedSeconds: 5)),
            Cancellation);

        Assert.Equal(["r1cc", "r1c", "r1"], (await store.ListRunsAsync(new RunQuery { SubtreeOf = "r1" }, Cancellation)).Select(r => r.Id));
        Assert.Equal(["r1cc", "r1c"], (await store.ListRunsAsync(new RunQuery { SubtreeOf = "r1c" }, Cancellation)).Select(r => r.Id));
        Assert.Empty(await store.ListRunsAsync(new RunQuery { SubtreeOf = "missing" }, Cancellation));
    }

    [StoreFact]
    public async Task ListRunsAsync_SubtreeOf_MatchesTheLineageAsALiteralCaseSensitivePrefix()
    {
        // Run ids hold '_' (and caller-named ones may hold '%'): a pattern match would also take runs they only resemble.
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(
                Run("run_a", startedSeconds: 1),
                Run("run_a_child", startedSeconds: 2) with { ParentId = "run_a", Lineage = "run_a/run_a_child", Depth = 1 },
                Run("runXa", startedSeconds: 3),
                Run("runXa_child", startedSeconds: 4) with { ParentId = "runXa", Lineage = "runXa/runXa_child", Depth = 1 },
                Run("RUN_A", startedSeconds: 5),
                Run("RUN_A_child", startedSeconds: 6) with { ParentId = "RUN_A", Lineage = "RUN_A/RUN_A_child", Depth = 1 },
                Run("p%", startedSeconds: 7),
                Run("pq", startedSeconds: 8),
                Run("pq_child", startedSeconds: 9) with { ParentId = "pq", Lineage = "pq/pq_child", Depth = 1 }),
            Cancellation);

        Assert.Equal(["run_a_child", "run_a"], (await store.ListRunsAsync(new RunQuery { SubtreeOf = "run_a" }, Cancellation)).Select(r => r.Id));
        Assert.Equal(["p%"], (await store.ListRunsAsync(new RunQuery { SubtreeOf = "p%" }, Cancellation)).Select(r => r.Id));
    }

    [StoreFact]
    public async Task ListRunsAsync_OpenOnly_LeavesEndedRunsOut()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(Run("open", 1), Run("ended", 2) with { EndedAt = StoreTestData.Epoch.AddMinutes(1), EndedBy = "x" }),
            Cancellation);

        Assert.Equal(["open"], (await store.ListRunsAsync(new RunQuery { OpenOnly = true }, Cancellation)).Select(r => r.Id));
    }

    private const string Agent = "spiffe://acme.example/agents/support";

    private static RunRecord Run(string id, int startedSeconds) => new()
    {
        Id = id,
        Lineage = id,
        Depth = 0,
        MaxDepth = 3,
        Agent = Agent,
        Tenant = "acme",
        Actors = [Agent],
        Envelope = new RunEnvelope([new KeyValuePair<string, IEnumerable<string>>("github", ["repo:read", "issues:write"])]),
        StartedAt = StoreTestData.Epoch.AddSeconds(startedSeconds),
        ExpiresAt = StoreTestData.Epoch.AddHours(1),
        DecisionId = "dec-" + id,
        PolicyVersion = "sha256:9f2c",
        Node = "node-a",
    };
}
