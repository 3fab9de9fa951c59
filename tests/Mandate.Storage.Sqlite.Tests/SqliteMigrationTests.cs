using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

public sealed class SqliteMigrationTests : SqliteTestBase
{
    [Fact]
    public void Embedded_Scripts_NumberedFromOneWithNames()
    {
        var migrations = SqliteMigration.Embedded;

        Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(m => m.Version));
        Assert.Equal("initial", migrations[0].Name);
        Assert.All(migrations, m => Assert.False(string.IsNullOrWhiteSpace(m.Sql)));
    }

    [Fact]
    public async Task MigrateAsync_Twice_AppliesEachScriptOnce()
    {
        var path = NewDatabasePath();
        await using var store = OpenStore(path);

        await store.MigrateAsync(Cancellation);
        await store.MigrateAsync(Cancellation);

        Assert.Equal((long)SqliteMigration.Embedded.Count, await ScalarRawAsync(path, "SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal((long)SqliteMigration.LatestVersion, await ScalarRawAsync(path, "SELECT MAX(version) FROM schema_migrations;"));
        Assert.Equal("initial", await ScalarRawAsync(path, "SELECT name FROM schema_migrations WHERE version = 1;"));
    }

    [Fact]
    public async Task MigrateAsync_TwoStoresOnOneFileAtOnce_AppliesEachScriptOnce()
    {
        var path = NewDatabasePath();
        await using var first = OpenStore(path);
        await using var second = OpenStore(path);

        await Task.WhenAll(
            Task.Run(() => first.MigrateAsync(Cancellation)),
            Task.Run(() => second.MigrateAsync(Cancellation)));

        Assert.Equal((long)SqliteMigration.Embedded.Count, await ScalarRawAsync(path, "SELECT COUNT(*) FROM schema_migrations;"));
    }

    [Fact]
    public async Task MigrateAsync_NewerSchemaVersion_RefusesWithClearError()
    {
        var path = NewDatabasePath();
        await using (var current = await OpenMigratedStoreAsync(path))
        {
            await current.CommitAsync(StoreTestData.Events(1, 1), Cancellation);
        }

        var future = SqliteMigration.LatestVersion + 1;
        await ExecuteRawAsync(path, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({future}, 'from_the_future', '2031-01-01T00:00:00.0000000Z');");
        await using var store = OpenStore(path);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.MigrateAsync(Cancellation));

        Assert.Contains($"schema version {future}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {SqliteMigration.LatestVersion}", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer Mandate", error.Message, StringComparison.Ordinal);
        Assert.Single(await ReadAllAsync(store));
    }

    [Fact]
    public async Task MigrateAsync_NewDatabase_UsesWriteAheadLog()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedStoreAsync(path);

        Assert.Equal("wal", await ScalarRawAsync(path, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task MigrateAsync_MissingDirectory_CreatesIt()
    {
        var path = Path.Combine(Path.GetDirectoryName(NewDatabasePath())!, "nested", "deeper", "mandate.db");
        await using var store = await OpenMigratedStoreAsync(path);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task CommitAsync_BeforeMigrate_ThrowsStoreUnavailable()
    {
        await using var store = OpenStore(NewDatabasePath());

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => store.CommitAsync(StoreTestData.Events(1, 1), Cancellation));

        Assert.IsType<SqliteException>(error.InnerException);
        Assert.Contains("Nothing of the batch was written", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_AnotherApplicationsDatabase_RefusesAndWritesNothingIntoIt()
    {
        var path = NewDatabasePath();
        await ExecuteRawAsync(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada');");
        await using var store = OpenStore(path);

        var error = await Assert.ThrowsAsync<StoreSchemaException>(() => store.MigrateAsync(Cancellation));

        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
        Assert.Contains("no Mandate store", error.Message, StringComparison.Ordinal);
        Assert.Contains("'store'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarRawAsync(path, "SELECT count(*) FROM sqlite_master WHERE name <> 'customers';"));
        Assert.Equal("delete", await ScalarRawAsync(path, "PRAGMA journal_mode;"));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public async Task MigrateAsync_EmptyFile_BecomesAStore()
    {
        var path = NewDatabasePath();
        await File.WriteAllBytesAsync(path, [], Cancellation);
        await using var store = OpenStore(path);

        await store.MigrateAsync(Cancellation);

        Assert.Equal((long)SqliteMigration.LatestVersion, await ScalarRawAsync(path, "SELECT MAX(version) FROM schema_migrations;"));
    }
}
