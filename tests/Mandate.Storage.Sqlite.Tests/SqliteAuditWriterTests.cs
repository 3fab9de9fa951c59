using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>Group commit on a real, fsync'd database.</summary>
public sealed class SqliteAuditWriterTests : SqliteTestBase
{
    [Fact]
    public async Task WriteAsync_200ConcurrentCallers_AllDurableInOneChainWithFewerCommits()
    {
        await using var store = await OpenMigratedStoreAsync(NewDatabasePath());
        await using var writer = new AuditWriter(store);

        var writes = Enumerable.Range(1, 200)
            .Select(n => Task.Run(() => writer.CommitAsync(StoreTestData.Events(n, 1), Cancellation)))
            .ToArray();
        await Task.WhenAll(writes);

        var result = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(200, result.RecordCount);
        Assert.Equal(200, writer.EventCount);
        Assert.InRange(writer.CommitCount, 1, 199);
    }

    [Fact]
    public async Task WriteAsync_DatabaseLocked_FaultsEveryWaiterThenRecovers()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedStoreAsync(path, TimeSpan.FromSeconds(1));
        await using var writer = new AuditWriter(store);
        await using var locker = await OpenRawAsync(path);
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync(Cancellation);
        }

        var blocked = Enumerable.Range(1, 5).Select(n => writer.CommitAsync(StoreTestData.Events(n, 1), Cancellation)).ToArray();
        foreach (var write in blocked)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => write);
        }

        await using (var rollback = locker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(Cancellation);
        }

        await writer.CommitAsync(StoreTestData.Events(6, 1), Cancellation);
        var record = Assert.Single(await ReadAllAsync(store));
        Assert.Equal(1, record.Sequence);
        Assert.Equal(StoreTestData.Epoch.AddSeconds(6), record.Event.Time);
    }
}
