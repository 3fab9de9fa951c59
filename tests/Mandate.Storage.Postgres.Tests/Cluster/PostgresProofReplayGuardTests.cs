using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Mandate.Storage.Postgres.Cluster;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests.Cluster;

public sealed class PostgresProofReplayGuardTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task TryAddAsync_SameKeyTwice_SecondIsReplayed()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var database = new PostgresDatabase(schema.Options());
        var guard = new PostgresProofReplayGuard(database);

        Assert.Equal(ReplayCacheOutcome.Added, await guard.TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None));
        Assert.Equal(ReplayCacheOutcome.Replayed, await guard.TryAddAsync("jkt:jti-1", Now + Window, Now.AddSeconds(30), CancellationToken.None));
    }

    [PostgresFact]
    public async Task TryAddAsync_DifferentKeys_BothAdded()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var database = new PostgresDatabase(schema.Options());
        var guard = new PostgresProofReplayGuard(database);

        Assert.Equal(ReplayCacheOutcome.Added, await guard.TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None));
        Assert.Equal(ReplayCacheOutcome.Added, await guard.TryAddAsync("jkt:jti-2", Now + Window, Now, CancellationToken.None));
    }

    [PostgresFact]
    public async Task TryAddAsync_ReplayedOnAnotherNode_IsReplayed()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var nodeA = new PostgresDatabase(schema.Options("node-a"));
        await using var nodeB = new PostgresDatabase(schema.Options("node-b"));

        Assert.Equal(ReplayCacheOutcome.Added, await new PostgresProofReplayGuard(nodeA).TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None));
        Assert.Equal(ReplayCacheOutcome.Replayed, await new PostgresProofReplayGuard(nodeB).TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None));
    }

    [PostgresFact]
    public async Task TryAddAsync_ManyNodesAtOnce_ExactlyOneAdded()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var nodeA = new PostgresDatabase(schema.Options("node-a"));
        await using var nodeB = new PostgresDatabase(schema.Options("node-b"));
        var guards = new[] { new PostgresProofReplayGuard(nodeA), new PostgresProofReplayGuard(nodeB) };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            guards[i % 2].TryAddAsync("jkt:raced", Now + Window, Now, CancellationToken.None).AsTask()));

        Assert.Single(outcomes, o => o == ReplayCacheOutcome.Added);
    }

    [PostgresFact]
    public async Task TryAddAsync_AfterExpiry_AddedAgain()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var database = new PostgresDatabase(schema.Options());
        var guard = new PostgresProofReplayGuard(database);
        await guard.TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None);

        Assert.Equal(ReplayCacheOutcome.Replayed, await guard.TryAddAsync("jkt:jti-1", Now + (2 * Window), Now + Window - TimeSpan.FromTicks(1), CancellationToken.None));
        Assert.Equal(ReplayCacheOutcome.Added, await guard.TryAddAsync("jkt:jti-1", Now + (2 * Window), Now + Window, CancellationToken.None));
        Assert.Equal(ReplayCacheOutcome.Replayed, await guard.TryAddAsync("jkt:jti-1", Now + (3 * Window), Now + Window + TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [PostgresFact]
    public async Task TryAddAsync_StoresOnlyTheKeysHash()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var database = new PostgresDatabase(schema.Options());
        await new PostgresProofReplayGuard(database).TryAddAsync("jkt:jti-secretish", Now + Window, Now, CancellationToken.None);

        Assert.Equal(1L, await schema.ScalarAsync("SELECT count(*) FROM dpop_proofs WHERE key_hash = sha256(convert_to('jkt:jti-secretish', 'UTF8'))"));
        Assert.Equal((Now + Window).UtcTicks, await schema.ScalarAsync("SELECT expires_at FROM dpop_proofs"));
    }

    [PostgresFact]
    public async Task TryAddAsync_PurgeIntervalPassed_ExpiredRowsDeletedLiveOnesKept()
    {
        await using var schema = await ProofsSchemaAsync();
        await using var database = new PostgresDatabase(schema.Options());
        var guard = new PostgresProofReplayGuard(database);
        for (var i = 0; i < 5; i++)
        {
            await guard.TryAddAsync($"jkt:old-{i}", Now + TimeSpan.FromSeconds(1), Now, CancellationToken.None);
        }

        await guard.TryAddAsync("jkt:live", Now + TimeSpan.FromMinutes(5), Now + TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Equal(6L, await schema.ScalarAsync("SELECT count(*) FROM dpop_proofs"));

        await guard.TryAddAsync("jkt:next", Now + TimeSpan.FromMinutes(5), Now + PostgresProofReplayGuard.PurgeInterval, CancellationToken.None);

        Assert.Equal(2L, await schema.ScalarAsync("SELECT count(*) FROM dpop_proofs"));
        Assert.Equal(ReplayCacheOutcome.Replayed, await guard.TryAddAsync("jkt:live", Now + TimeSpan.FromMinutes(5), Now + TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [PostgresFact]
    public async Task TryAddAsync_ServerUnreachable_ThrowsStoreUnavailable()
    {
        await using var database = new PostgresDatabase(ClusterTestServer.Unreachable("hunter2-proofs"));
        var guard = new PostgresProofReplayGuard(database);

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => guard.TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None).AsTask());

        Assert.Contains("postgres:127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-proofs", e.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task TryAddAsync_TableMissing_ThrowsStoreUnavailableNeverAdded()
    {
        await using var schema = TestSchema.Create();
        await schema.ExecuteAsync($"CREATE SCHEMA \"{schema.Name}\"");
        await using var database = new PostgresDatabase(schema.Options());

        await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            new PostgresProofReplayGuard(database).TryAddAsync("jkt:jti-1", Now + Window, Now, CancellationToken.None).AsTask());
    }

    // A schema as the store's migrations leave it: dpop_proofs is theirs.
    private static async Task<TestSchema> ProofsSchemaAsync()
    {
        var schema = TestSchema.Create();
        await using var database = new PostgresDatabase(schema.Options("migrator"));
        await using var store = new PostgresMandateStore(database);
        await store.MigrateAsync(CancellationToken.None);
        return schema;
    }
}
