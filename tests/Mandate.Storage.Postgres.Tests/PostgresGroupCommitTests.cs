using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>Core's group-commit writer over the PostgreSQL store: many requests per transaction, one chain.</summary>
public sealed class PostgresGroupCommitTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresFact]
    public async Task AuditWriter_TwoNodesManyConcurrentRequests_GroupCommitsIntoOneVerifiableChain()
    {
        var a = _nodes.NewStore(_schema, "node-a");
        var b = _nodes.NewStore(_schema, "node-b");
        await a.MigrateAsync(None);
        const int RequestsPerNode = 2000;

        var watch = Stopwatch.StartNew();
        await using var writerA = new AuditWriter(a);
        await using var writerB = new AuditWriter(b);
        await Task.WhenAll(
            Enumerable.Range(0, RequestsPerNode).SelectMany(i => new[]
            {
                writerA.CommitAsync(new StoreBatch(StoreTestData.Event(i) with { Node = "node-a" }, StoreTestData.Revocation($"rev-a-{i}")), None),
                writerB.CommitAsync(new StoreBatch(StoreTestData.Event(i) with { Node = "node-b" }), None),
            }));
        watch.Stop();

        var result = await AuditVerifier.VerifyAsync(a, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(2 * RequestsPerNode, result.RecordCount);
        Assert.Equal(2 * RequestsPerNode, writerA.BatchCount + writerB.BatchCount);
        Assert.True(writerA.CommitCount + writerB.CommitCount < writerA.BatchCount + writerB.BatchCount, "requests were not grouped into shared commits");
        Assert.Equal(RequestsPerNode, (await a.ReadRevocationChangesAsync(0, 10_000, None)).Count);
        output.WriteLine(
            $"{2 * RequestsPerNode} requests in {writerA.CommitCount + writerB.CommitCount} commits, {watch.Elapsed.TotalMilliseconds:F0} ms "
            + $"({2 * RequestsPerNode / watch.Elapsed.TotalSeconds:F0} requests/s on this machine)");
    }
}
