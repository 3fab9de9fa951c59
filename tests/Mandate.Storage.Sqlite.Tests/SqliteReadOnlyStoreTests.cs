using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>Offline commands open the store read-only: never migrate, never wait for the broker's write lock.</summary>
public sealed class SqliteReadOnlyStoreTests : SqliteTestBase
{
    [Fact]
    public async Task ReadOnly_AnotherConnectionHoldsTheWriteLock_ChecksSchemaAndReads()
    {
        var path = NewDatabasePath();
        await using (var writer = await OpenMigratedStoreAsync(path))
        {
            await writer.CommitAsync(new StoreBatch(new AuditEvent { Kind = AuditKinds.Decision, Time = DateTimeOffset.UnixEpoch, Outcome = "allow" }), Cancellation);
        }

        await using var blocker = await OpenRawAsync(path);
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync(Cancellation);
        }

        await using var store = ReadOnly(path, TimeSpan.FromMilliseconds(100));
        await store.CheckSchemaAsync(Cancellation);
        var verified = await AuditVerifier.VerifyAsync(store, null, Cancellation);

        Assert.True(verified.IsValid, verified.Message);
        Assert.Equal(1, verified.RecordCount);
    }

    [Fact]
    public async Task ReadOnly_NoMandateSchema_RefusesAsNotAStoreAndLeavesTheFileUnmigrated()
    {
        var path = NewDatabasePath();
        await ExecuteRawAsync(path, "CREATE TABLE unrelated (x INTEGER);");
        await using var store = ReadOnly(path);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.CheckSchemaAsync(Cancellation));

        Assert.Contains("holds no Mandate store", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarRawAsync(path, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations';"));
    }

    [Fact]
    public async Task ReadOnly_SchemaNewerThanThisBuild_Refuses()
    {
        var path = NewDatabasePath();
        await using (var writer = await OpenMigratedStoreAsync(path))
        {
        }

        await ExecuteRawAsync(path, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '2030-01-01T00:00:00Z');");
        await using var store = ReadOnly(path);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.CheckSchemaAsync(Cancellation));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnly_MissingFile_UnavailableAndNothingCreated()
    {
        var path = NewDatabasePath();
        await using var store = ReadOnly(path);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CheckSchemaAsync(Cancellation));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReadOnly_Commit_RefusedWithoutTouchingTheFile()
    {
        var path = NewDatabasePath();
        await using (var writer = await OpenMigratedStoreAsync(path))
        {
        }

        await using var store = ReadOnly(path);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(new StoreBatch(new AuditEvent { Kind = AuditKinds.Decision, Time = DateTimeOffset.UnixEpoch, Outcome = "allow" }), Cancellation));
        Assert.Equal(0L, await ScalarRawAsync(path, "SELECT count(*) FROM audit;"));
    }

    private static SqliteMandateStore ReadOnly(string path, TimeSpan? busyTimeout = null) =>
        new(new SqliteStoreOptions { FilePath = path, ReadOnly = true, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(1) });
}
