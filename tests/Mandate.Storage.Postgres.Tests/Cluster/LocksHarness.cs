using Mandate.Storage.Postgres.Cluster;
using Mandate.Testing;

namespace Mandate.Storage.Postgres.Tests.Cluster;

/// <summary>One node's cluster locks (its own database handle, like a separate process) and what it logged.</summary>
internal sealed class LocksHarness : IAsyncDisposable
{
    public LocksHarness(PostgresStoreOptions options)
    {
        Database = new PostgresDatabase(options);
        Locks = new PostgresClusterLocks(Database, new CapturedLogger<PostgresClusterLocks>(Logs));
    }

    public PostgresDatabase Database { get; }

    public PostgresClusterLocks Locks { get; }

    public CapturedLogs Logs { get; } = new();

    public Task<bool> LeadsAsync(string role) => Locks.IsLeaderAsync(role, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Locks.DisposeAsync();
        await Database.DisposeAsync();
    }
}
