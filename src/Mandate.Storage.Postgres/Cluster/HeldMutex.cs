using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// A held cluster mutex: disposing it unlocks and closes the connection. The connection is unpooled, so even when
/// the unlock fails, closing it ends the session and the server releases the lock; it never idles in a pool holding it.
/// </summary>
internal sealed partial class HeldMutex(NpgsqlConnection connection, long key, string name, string database, ILogger logger) : IAsyncDisposable
{
    private int _released;

    /// <summary>The backend process id of the session holding the lock.</summary>
    internal int ProcessId => connection.ProcessID;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", key);
            if (await unlock.ExecuteScalarAsync() is not true)
            {
                LogNotHeld(logger, name, database);
            }
        }
        catch (Exception e) when (PostgresOutages.IsOutage(e) || e is InvalidOperationException)
        {
            LogUnlockFailed(logger, name, database, PostgresOutages.Describe(e));
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster lock '{Name}' at {Database} was no longer held when released: its session ended while held")]
    private static partial void LogNotHeld(ILogger logger, string name, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the cluster lock '{Name}' at {Database} ({Reason}); closing its session releases it")]
    private static partial void LogUnlockFailed(ILogger logger, string name, string database, string reason);
}
