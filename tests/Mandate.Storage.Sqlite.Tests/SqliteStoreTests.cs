using System.Diagnostics;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

public sealed class SqliteStoreTests : SqliteTestBase
{
    private static readonly TimeSpan ShortBusyTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task CommitAsync_AfterReopen_ChainContinues()
    {
        var path = NewDatabasePath();
        await using (var first = await OpenMigratedStoreAsync(path))
        {
            await first.CommitAsync(StoreTestData.Events(1, 3), Cancellation);
        }

        await using var reopened = await OpenMigratedStoreAsync(path);
        await reopened.CommitAsync(StoreTestData.Events(4, 2), Cancellation);

        var records = await ReadAllAsync(reopened);
        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.Sequence));
        Assert.Equal(records[2].Hash, records[3].PreviousHash);
        var result = await AuditVerifier.VerifyAsync(reopened, null, Cancellation);
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task CommitAsync_DatabaseLockedExclusively_ThrowsWithinBusyTimeoutAndWritesNothing()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedStoreAsync(path, ShortBusyTimeout);
        await using var locker = await OpenRawAsync(path);
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync(Cancellation);
        }

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => store.CommitAsync(StoreTestData.Events(1, 2), Cancellation));
        clock.Stop();

        Assert.Contains("locked", error.Message, StringComparison.Ordinal);
        Assert.Contains(store.Description, error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, ShortBusyTimeout * 0.9, ShortBusyTimeout + TimeSpan.FromSeconds(4));
        await using (var rollback = locker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(Cancellation);
        }

        Assert.Empty(await ReadAllAsync(store));
        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);
        Assert.Equal(1, Assert.Single(await ReadAllAsync(store)).Sequence);
    }

    [Fact]
    public async Task ReadAuditAsync_WhileAnotherConnectionHoldsTheWriteLock_ReadsCommittedRecords()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedStoreAsync(path, ShortBusyTimeout);
        await store.CommitAsync(StoreTestData.Events(1, 2), Cancellation);
        await using var locker = await OpenRawAsync(path);
        await using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE;";
        await begin.ExecuteNonQueryAsync(Cancellation);

        var records = await ReadAllAsync(store);

        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task CommitAsync_TwoStoresOnOneFile_OneUnbrokenChain()
    {
        var path = NewDatabasePath();
        await using var first = await OpenMigratedStoreAsync(path);
        await using var second = await OpenMigratedStoreAsync(path);

        async Task WriteAsync(IMandateStore store, int offset)
        {
            for (var i = 0; i < 20; i++)
            {
                await store.CommitAsync(StoreTestData.Events(offset + (i * 2), 2), Cancellation);
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync(first, 0)), Task.Run(() => WriteAsync(second, 1000)));

        var result = await AuditVerifier.VerifyAsync(first, null, Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(80, result.RecordCount);
    }

    [Fact]
    public async Task AuditTable_UpdateOrDelete_RejectedByTriggers()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedStoreAsync(path);
        await store.CommitAsync(StoreTestData.Events(1, 1), Cancellation);

        var update = await Assert.ThrowsAsync<SqliteException>(() => ExecuteRawAsync(path, "UPDATE audit SET run = 'x';"));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => ExecuteRawAsync(path, "DELETE FROM audit;"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAuditAsync_MissingDatabaseFile_ThrowsStoreUnavailableAndCreatesNothing()
    {
        var path = NewDatabasePath();
        await using var store = OpenStore(path);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => ReadAllAsync(store));

        Assert.Contains("cannot be opened", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task CommitAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var store = await OpenMigratedStoreAsync(NewDatabasePath());
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync(StoreTestData.Events(1, 1), Cancellation));
    }

    [Fact]
    public async Task Description_NamesTheFullPath()
    {
        var path = NewDatabasePath();
        await using var store = OpenStore(path);

        Assert.Equal("sqlite:" + path, store.Description);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_NonPositiveBusyTimeout_Throws(int milliseconds)
    {
        var options = new SqliteStoreOptions { FilePath = NewDatabasePath(), BusyTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteMandateStore(options));
    }
}
