using Mandate.Core.Revocation;
using Mandate.Core.Runs;

namespace Mandate.Core.Tests.Revocations;

public sealed class RunAncestryTests
{
    private static readonly DateTimeOffset Started = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FindAsync_RecordedRunAskedAgain_ReadsTheStoreOnceAndAnswersTheSame()
    {
        var store = new CountingRuns(Run("run_child", "run_root/run_child"));
        var ancestry = new RunAncestry(store);

        var first = await ancestry.FindAsync("run_child", CancellationToken.None);
        var second = await ancestry.FindAsync("run_child", CancellationToken.None);

        Assert.Equal(new RunAncestry.Ancestry("run_child", Started, "run_root/run_child"), first);
        Assert.Equal(first, second);
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task FindAsync_RunNotRecorded_RemembersThatToo()
    {
        var store = new CountingRuns();
        var ancestry = new RunAncestry(store);

        Assert.Null(await ancestry.FindAsync("run_plain", CancellationToken.None));
        Assert.Null(await ancestry.FindAsync("run_plain", CancellationToken.None));
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task FindAsync_AtTheCap_StartsOverAndStillAnswers()
    {
        var store = new CountingRuns(Run("run_child", "run_root/run_child"));
        var ancestry = new RunAncestry(store);
        for (var i = 0; i < RunAncestry.MaxEntries; i++)
        {
            await ancestry.FindAsync($"run_{i}", CancellationToken.None);
        }

        Assert.Equal(RunAncestry.MaxEntries, ancestry.Count);
        Assert.Equal("run_root/run_child", (await ancestry.FindAsync("run_child", CancellationToken.None))?.Lineage);
        Assert.Equal(1, ancestry.Count);
    }

    private static RunRecord Run(string id, string lineage) => new()
    {
        Id = id,
        ParentId = "run_root",
        Lineage = lineage,
        Depth = 1,
        MaxDepth = 3,
        Agent = "spiffe://acme.example/agents/helper",
        Actors = ["spiffe://acme.example/agents/support", "spiffe://acme.example/agents/helper"],
        Tenant = "acme",
        User = "alice",
        Envelope = new RunEnvelope([new KeyValuePair<string, IEnumerable<string>>("orders", ["orders:read"])]),
        StartedAt = Started,
        ExpiresAt = Started.AddHours(1),
        DecisionId = "dec_1",
        PolicyVersion = "v1",
        Node = "node-test",
    };

    private sealed class CountingRuns(params RunRecord[] runs) : IRunStore
    {
        public int Reads { get; private set; }

        public Task<RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(runs.FirstOrDefault(r => r.Id == id));
        }

        public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RunRecord>>(runs);
    }
}
