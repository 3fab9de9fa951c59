using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// Invariant 2 under file-system faults: a store whose file was deleted or replaced, locked, or read by a
/// long reader never reports a write as durable that is not in the file at its configured path.
/// </summary>
[Trait("Invariant", "2")]
public sealed class SqliteStoreFaultTests : SqliteTestBase
{
    [Fact]
    public async Task Invariant2_DatabaseFileDeletedUnderOpenStore_CommitRefusedAndNothingRecreated()
    {
        var path = NewDatabasePath();
        var health = new StoreHealth(TimeProvider.System);
        await using var store = await OpenMigratedAsync(path, health);
        await store.CommitAsync(Batch("before"), Cancellation);

        File.Delete(path);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(Batch("after"), Cancellation));
        Assert.Equal(StoreFailureCause.FileDeletedOrReplaced, error.Cause);
        Assert.Contains("deleted or replaced", error.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(Batch("later"), Cancellation));
        Assert.Equal(StoreFailureCause.FileDeletedOrReplaced, again.Cause);
        Assert.False(File.Exists(path));
        Assert.False(health.IsHealthy);
        Assert.Equal(StoreFailureCause.FileDeletedOrReplaced, health.Current.Cause);
    }

    [Fact]
    public async Task Invariant2_DatabaseFileReplacedUnderOpenStore_CommitAndReadsRefused()
    {
        var path = NewDatabasePath();
        var replacement = NewDatabasePath();
        await using (var other = await OpenMigratedAsync(replacement, null))
        {
            await other.CommitAsync(Batch("backup"), Cancellation);
        }

        await using var store = await OpenMigratedAsync(path, null);
        await store.CommitAsync(Batch("before"), Cancellation);

        File.Move(replacement, path, overwrite: true);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(Batch("after"), Cancellation));
        Assert.Equal(StoreFailureCause.FileDeletedOrReplaced, error.Cause);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListKeysAsync("signing", Cancellation));
        Assert.Equal(0L, await ScalarRawAsync(path, "SELECT count(*) FROM audit JOIN audit_shapes s ON s.id = audit.shape WHERE s.outcome = 'after';"));
    }

    [Fact]
    public async Task Invariant2_WalDeletedUnderOpenStore_CommitRefusedAndCommittedRecordsKeptInTheDatabase()
    {
        var path = NewDatabasePath();
        await using (var store = await OpenMigratedAsync(path, null))
        {
            for (var i = 0; i < 3; i++)
            {
                await store.CommitAsync(Batch($"before-{i}"), Cancellation);
            }

            File.Delete(path + "-wal");

            var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(Batch("after"), Cancellation));
            Assert.Equal(StoreFailureCause.FileDeletedOrReplaced, error.Cause);
        }

        Assert.Equal(3L, await ScalarRawAsync(path, "SELECT count(*) FROM audit;"));
    }

    [Fact]
    public async Task Health_LockedThenReleased_OneFailingTransitionWithItsCauseThenOneRecovery()
    {
        var path = NewDatabasePath();
        var health = new StoreHealth(TimeProvider.System);
        var changes = new List<StoreHealthChange>();
        health.Changed += (_, change) => changes.Add(change);
        await using var store = await OpenMigratedAsync(path, health, TimeSpan.FromMilliseconds(200));
        await store.CommitAsync(Batch("healthy"), Cancellation);

        await using (var blocker = await OpenRawAsync(path))
        {
            await ExecuteAsync(blocker, "BEGIN EXCLUSIVE;");
            for (var i = 0; i < 3; i++)
            {
                await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(Batch($"locked-{i}"), Cancellation));
            }

            await ExecuteAsync(blocker, "ROLLBACK;");
        }

        await store.CommitAsync(Batch("recovered"), Cancellation);

        Assert.Collection(
            changes,
            failing => Assert.Equal((false, StoreFailureCause.Locked), (failing.Healthy, failing.Cause)),
            recovered => Assert.True(recovered.Healthy));
        Assert.Equal(2L, await ScalarRawAsync(path, "SELECT count(*) FROM audit;"));
    }

    [Fact]
    public async Task Invariant2_AuditRowRefusedByTheDatabase_CommitRefusedNothingKeptThenRecovers()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedAsync(path, null);
        await store.CommitAsync(Batch("before"), Cancellation);
        // Created while the writer holds its prepared insert: the statement must notice the schema change too.
        await ExecuteRawAsync(path, "CREATE TRIGGER refuse_records BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(Batch("refused"), Cancellation));

        Assert.Equal(StoreFailureCause.Rejected, error.Cause);
        // The batch's new shape went with its record: the transaction kept nothing.
        Assert.Equal((1L, 1L), ((long)(await ScalarRawAsync(path, "SELECT count(*) FROM audit;"))!, (long)(await ScalarRawAsync(path, "SELECT count(*) FROM audit_shapes;"))!));
        await ExecuteRawAsync(path, "DROP TRIGGER refuse_records;");
        await store.CommitAsync(Batch("after"), Cancellation);
        Assert.Equal(["before", "after"], (await ReadAllAsync(store)).Select(r => r.Event.Outcome));
        var verified = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(verified.IsValid, verified.Message);
    }

    [Fact]
    public async Task Wal_LongReaderBlocksCheckpoints_ReportedAndShrunkUnderTheLimitOnceReleased()
    {
        const long limit = 256 * 1024;
        var path = NewDatabasePath();
        var health = new StoreHealth(TimeProvider.System);
        var checkpoints = new List<CheckpointStateChange>();
        health.CheckpointChanged += (_, change) => checkpoints.Add(change);
        await using var store = await OpenMigratedAsync(path, health, walLimit: limit);
        await store.CommitAsync(Batch("first"), Cancellation);

        await using (var reader = await OpenRawAsync(path))
        {
            // A read transaction pins its snapshot: no checkpoint may pass it while it is open.
            await ExecuteAsync(reader, "BEGIN; SELECT count(*) FROM audit;");
            await CommitManyAsync(store, 200);
            Assert.True(new FileInfo(path + "-wal").Length > limit);
            Assert.True(store.CheckpointBlocked);
            await ExecuteAsync(reader, "COMMIT;");
        }

        await CommitManyAsync(store, 40);

        Assert.False(store.CheckpointBlocked);
        Assert.True(new FileInfo(path + "-wal").Length <= limit, $"WAL is {new FileInfo(path + "-wal").Length} bytes");
        Assert.Collection(checkpoints, blocked => Assert.True(blocked.Blocked), cleared => Assert.False(cleared.Blocked));
        var verified = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(verified.IsValid, verified.Message);
    }

    private async Task CommitManyAsync(SqliteMandateStore store, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            await store.CommitAsync(new StoreBatch(Enumerable.Range(0, 10).Select(j => Event($"bulk-{i}-{j}", new string('x', 400)))), Cancellation);
        }
    }

    private async Task<SqliteMandateStore> OpenMigratedAsync(string path, StoreHealth? health, TimeSpan? busyTimeout = null, long walLimit = 64L * 1024 * 1024)
    {
        var store = new SqliteMandateStore(new SqliteStoreOptions
        {
            FilePath = path, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5), Health = health, WalSizeLimitBytes = walLimit,
        });
        await store.MigrateAsync(Cancellation);
        return store;
    }

    private async Task ExecuteAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private static StoreBatch Batch(string outcome) => new(Event(outcome));

    private static AuditEvent Event(string outcome, string? reason = null) =>
        new() { Kind = AuditKinds.Decision, Time = DateTimeOffset.UnixEpoch, Outcome = outcome, Agent = "spiffe://acme.example/agents/a", Reason = reason };
}
