using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary>The SQLite store a configuration from <see cref="TestConfig.Write"/> reads, written directly as a broker would.</summary>
internal static class TestStore
{
    /// <summary>Creates the store under <paramref name="dir"/> holding <paramref name="events"/>; returns its path.</summary>
    public static async Task<string> WriteAsync(TempFolder dir, params AuditEvent[] events)
    {
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = db });
        await store.MigrateAsync(CancellationToken.None);
        await store.CommitAsync(new StoreBatch(events), CancellationToken.None);
        return db;
    }
}
