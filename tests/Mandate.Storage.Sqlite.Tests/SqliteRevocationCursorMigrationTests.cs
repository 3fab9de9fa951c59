using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>Migration 0007 gives revocations recorded before it a change cursor, in the order they were recorded.</summary>
public sealed class SqliteRevocationCursorMigrationTests : SqliteTestBase
{
    private const int CursorVersion = 7;

    [Fact]
    public async Task MigrateAsync_RevocationsFromBeforeTheCursor_GetCursorsInInsertionOrder()
    {
        var path = NewDatabasePath();
        await CreateAtVersionAsync(path, CursorVersion - 1);
        foreach (var id in new[] { "rev-z", "rev-a", "rev-m" })
        {
            await ExecuteRawAsync(path, $"""
                INSERT INTO revocations (id, target, value, revoked_at, keep_until, revoked_by)
                VALUES ('{id}', 'token', 'jti-1', '2030-01-02T03:04:05.1234567Z', '2030-01-02T04:04:05.1234567Z', 'admin');
                """);
        }

        await using var store = await OpenMigratedStoreAsync(path);
        var before = await store.ReadRevocationChangesAsync(0, 100, Cancellation);
        await store.CommitAsync(new Core.Storage.StoreBatch(StoreTestData.Revocation("rev-new")), Cancellation);
        var after = await store.ReadRevocationChangesAsync(before[^1].Cursor, 100, Cancellation);

        Assert.Equal(["rev-z", "rev-a", "rev-m"], before.Select(c => c.Revocation.Id));
        Assert.Equal(before.Select(c => c.Cursor).Order(), before.Select(c => c.Cursor));
        Assert.Equal("rev-new", Assert.Single(after).Revocation.Id);
        Assert.Equal(0L, await ScalarRawAsync(path, "SELECT COUNT(*) FROM revocations WHERE change_seq IS NULL;"));
    }
}
