namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Holds SQLite's write lock from another connection past the broker's busy timeout, so the store cannot
/// commit while <c>send</c> runs: what invariant 2 (audit before credential) must survive.
/// </summary>
internal static class StoreLock
{
    public static async Task<T> WhileStoreLockedAsync<T>(this BrokerHarness broker, Func<Task<T>> send)
    {
        await using var blocker = await broker.OpenDatabaseAsync();
        await ExecuteAsync(blocker, "BEGIN EXCLUSIVE;");
        try
        {
            return await send();
        }
        finally
        {
            await ExecuteAsync(blocker, "ROLLBACK;");
        }
    }

    private static async Task ExecuteAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
