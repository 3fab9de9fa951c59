using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>The checkpoint writer over the cluster's one chain: it never signs a chain edited since its last checkpoint.</summary>
public sealed class PostgresAuditCheckpointTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"mandate-checkpoints-{Guid.NewGuid():N}.jsonl");

    public async ValueTask DisposeAsync()
    {
        File.Delete(_file);
        await _nodes.DisposeAsync();
    }

    [PostgresFact]
    public async Task WriteAsync_RecordEditedBySuperuserSinceTheLastCheckpoint_RefusesToSign()
    {
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var options = new MandateOptions { Node = "node-a" };
        using var keys = new KeyRing(KeyProfiles.AuditCheckpoint(options), store, kek, options.Node, TimeProvider.System);
        await keys.RefreshAsync(None);
        using var writer = new AuditCheckpointWriter(store, keys, _file, options.Node, options.Issuer, TimeProvider.System);
        await store.CommitAsync(StoreTestData.Events(1, 2), None);
        var signed = (await writer.WriteAsync(None)).Written!;
        await store.CommitAsync(StoreTestData.Events(3, 2), None);

        await _schema.ExecuteAsync(
            $"ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET \"user\" = 'mallory' WHERE seq = {signed.Sequence + 1}; ALTER TABLE audit ENABLE TRIGGER USER;");
        var refused = await writer.WriteAsync(None);

        Assert.Null(refused.Written);
        Assert.Equal(AuditProblemKind.HashMismatch, refused.Broken!.Problem);
        Assert.Equal(signed.Sequence + 1, refused.Broken.Sequence);
        Assert.Single(await File.ReadAllLinesAsync(_file));
    }
}
