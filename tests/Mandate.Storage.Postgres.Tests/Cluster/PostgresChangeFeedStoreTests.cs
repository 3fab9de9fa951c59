using System.Collections.Concurrent;
using System.Diagnostics;
using Mandate.Core.Cluster;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Mandate.Storage.Postgres.Tests.Cluster;

/// <summary>The feed with the store: a revocation committed through one node is read by another through its cursor.</summary>
public sealed class PostgresChangeFeedStoreTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task RunAsync_RevocationCommittedOnAnotherNode_ReadByTheListeningNode()
    {
        await using var nodes = new TestNodes();
        var schema = TestSchema.Create();
        var storeA = nodes.NewStore(schema, "node-a");
        var storeB = nodes.NewStore(schema, "node-b");
        await storeA.MigrateAsync(CancellationToken.None);
        var seen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long cursor = 0;
        await using var feed = FeedHarness.Start(schema.Options("node-a"), handler: async topic =>
        {
            // What the revocation list does on each call: read everything after its own cursor.
            if (topic == ChangeTopic.Revocations)
            {
                foreach (var change in await storeA.ReadRevocationChangesAsync(cursor, 1000, CancellationToken.None))
                {
                    seen.TryAdd(change.Revocation.Id, Stopwatch.GetTimestamp());
                    cursor = change.Cursor;
                }
            }
        });
        await feed.WaitCurrentAsync();
        var latencies = new List<double>();
        var commits = new List<double>();
        var afterCommit = new List<double>();

        for (var i = 0; i < 50; i++)
        {
            var id = $"rev-{i}";
            var started = Stopwatch.GetTimestamp();
            await storeB.CommitAsync(new StoreBatch(StoreTestData.Revocation(id)), CancellationToken.None);
            var committed = Stopwatch.GetTimestamp();
            commits.Add(Stopwatch.GetElapsedTime(started, committed).TotalMilliseconds);
            await ClusterTestServer.WaitUntilAsync(() => seen.ContainsKey(id), TimeSpan.FromSeconds(2), $"{id} read by node A");
            latencies.Add(Stopwatch.GetElapsedTime(started, seen[id]).TotalMilliseconds);
            afterCommit.Add(Stopwatch.GetElapsedTime(committed, seen[id]).TotalMilliseconds);
        }

        latencies.Sort();
        commits.Sort();
        afterCommit.Sort();
        output.WriteLine($"commit acknowledged to read on A: p50 {afterCommit[afterCommit.Count / 2]:F2} ms, max {afterCommit[^1]:F2} ms");
        output.WriteLine($"commit on B alone: p50 {commits[commits.Count / 2]:F2} ms, p99 {commits[(int)(commits.Count * 0.99) - 1]:F2} ms, max {commits[^1]:F2} ms");
        output.WriteLine($"revocation commit on B to read on A over {latencies.Count}: p50 {latencies[latencies.Count / 2]:F2} ms, p99 {latencies[(int)(latencies.Count * 0.99) - 1]:F2} ms, max {latencies[^1]:F2} ms");
        Assert.True(feed.Feed.IsCurrent);
    }
}
