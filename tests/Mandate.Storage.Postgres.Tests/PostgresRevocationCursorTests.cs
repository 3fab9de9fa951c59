using Mandate.Core.Audit;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>The revocation change cursor across nodes: handed out in commit order, so a follower never skips one.</summary>
public sealed class PostgresRevocationCursorTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresFact]
    public async Task ReadRevocationChangesAsync_TwoNodesRevokingConcurrently_CursorsFollowCommitOrderAndAFollowerMissesNone()
    {
        var a = _nodes.NewStore(_schema, "node-a");
        var b = _nodes.NewStore(_schema, "node-b");
        var follower = _nodes.NewStore(_schema, "node-c");
        await a.MigrateAsync(None);

        async Task Revoke(PostgresMandateStore store, string node)
        {
            for (var i = 0; i < 100; i++)
            {
                var id = $"rev-{node}-{i}";
                await store.CommitAsync(new StoreBatch(StoreTestData.Revocation(id), StoreTestData.Event(i) with { Jti = id, Node = node }), None);
            }
        }

        // A third node follows with small pages while the two others revoke, as a change feed's catch-up would.
        var writing = Task.WhenAll(Task.Run(() => Revoke(a, "node-a")), Task.Run(() => Revoke(b, "node-b")));
        var followed = new List<RevocationChange>();
        long after = 0;
        while (true)
        {
            var done = writing.IsCompleted;
            var page = await follower.ReadRevocationChangesAsync(after, 7, None);
            followed.AddRange(page);
            after = page.Count > 0 ? page[^1].Cursor : after;
            if (done && page.Count == 0)
            {
                break;
            }
        }

        await writing;
        Assert.Equal(200, followed.Count);
        Assert.Equal(200, followed.Select(c => c.Revocation.Id).Distinct().Count());
        Assert.True(followed.Zip(followed.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor));

        // Cursor order is commit order: the same order the one audit chain recorded the revocations in.
        var audited = new List<string>();
        await foreach (var record in follower.ReadAuditAsync(new AuditQuery(), None))
        {
            audited.Add(record.Event.Jti!);
        }

        Assert.Equal(audited, followed.Select(c => c.Revocation.Id));
    }
}
