using System.Collections.Concurrent;
using Mandate.Core.Cluster;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// Cluster locks on PostgreSQL advisory locks, keyed by a hash of the schema and the name (<see cref="PostgresLockKeys"/>:
/// two deployments in two schemas of one database never collide). Leadership of a role is
/// a session-level lock held on one dedicated connection per role: when the node dies its session ends, the lock
/// goes with it and another node takes the role at its next call. A mutex is a lock on its own connection, released
/// (and the connection closed) when the handle is disposed.
/// </summary>
public sealed partial class PostgresClusterLocks : IClusterLocks, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _leaders;
    private readonly NpgsqlDataSource _mutexes;
    private readonly ConcurrentDictionary<string, Leadership> _roles = new(StringComparer.Ordinal);

    public PostgresClusterLocks(PostgresDatabase database, ILogger<PostgresClusterLocks> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _logger = logger;
        _leaders = DedicatedConnections.Create(database, "leader");
        _mutexes = DedicatedConnections.Create(database, "mutex");
    }

    /// <summary>The backend process id of the connection holding <paramref name="role"/>, while this node holds it.</summary>
    internal int? LeaderProcessId(string role) =>
        _roles.TryGetValue(role, out var lead) && lead.Held ? lead.Connection?.ProcessID : null;

    public async Task<bool> IsLeaderAsync(string role, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        var lead = _roles.GetOrAdd(role, static _ => new Leadership());
        await lead.Gate.WaitAsync(cancellationToken);
        try
        {
            return lead.Held ? await StillHeldAsync(role, lead, cancellationToken) : await TryTakeAsync(role, lead, cancellationToken);
        }
        finally
        {
            lead.Gate.Release();
        }
    }

    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = PostgresLockKeys.For(_database.Options.Schema, "mutex:" + name);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _mutexes.OpenConnectionAsync(cancellationToken);

            // Waiting for the lock is not a slow statement: lift the statement timeout for this session only.
            await using (var unlimited = new NpgsqlCommand("SET statement_timeout = 0", connection))
            {
                await unlimited.ExecuteNonQueryAsync(cancellationToken);
            }

            // Cancellation sends a cancel request: the server stops waiting and the connection is closed below.
            await using var wait = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 };
            wait.Parameters.AddWithValue("key", key);
            await wait.ExecuteNonQueryAsync(cancellationToken);
            var held = new HeldMutex(connection, key, name, _database.Description, _logger);
            connection = null;
            return held;
        }
        catch (Exception e) when (PostgresOutages.IsOutage(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(
                $"Could not take the cluster lock '{name}' at {_database.Description}: {PostgresOutages.Describe(e)}. Check that PostgreSQL is up and reachable.", e);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lead in _roles.Values)
        {
            await lead.Gate.WaitAsync();
            try
            {
                await DropAsync(lead);
            }
            finally
            {
                lead.Gate.Release();
            }
        }

        await _leaders.DisposeAsync();
        await _mutexes.DisposeAsync();
    }

    // The lock lives as long as the session: a cheap round trip proves the session (and so the lock) is still there.
    private async Task<bool> StillHeldAsync(string role, Leadership lead, CancellationToken cancellationToken)
    {
        try
        {
            if (lead.Connection is not { State: System.Data.ConnectionState.Open } connection)
            {
                throw new NpgsqlException("the leader connection is closed");
            }

            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (PostgresOutages.IsOutage(e) && !cancellationToken.IsCancellationRequested)
        {
            LogLeadershipLost(_logger, role, _database.Description, PostgresOutages.Describe(e));
            await DropAsync(lead);
            return false;
        }
    }

    private async Task<bool> TryTakeAsync(string role, Leadership lead, CancellationToken cancellationToken)
    {
        var key = PostgresLockKeys.For(_database.Options.Schema, "leader:" + role);
        try
        {
            if (lead.Connection is not { State: System.Data.ConnectionState.Open })
            {
                await DropAsync(lead);
                lead.Connection = await _leaders.OpenConnectionAsync(cancellationToken);
            }

            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", lead.Connection);
            take.Parameters.AddWithValue("key", key);
            lead.Held = await take.ExecuteScalarAsync(cancellationToken) is true;
            if (lead.Held)
            {
                LogLeadershipTaken(_logger, role, _database.Description);
            }

            return lead.Held;
        }
        catch (Exception e) when (PostgresOutages.IsOutage(e) && !cancellationToken.IsCancellationRequested)
        {
            LogLeadershipUnavailable(_logger, role, _database.Description, PostgresOutages.Describe(e));
            await DropAsync(lead);
            return false;
        }
    }

    // Closing an unpooled connection ends its session, which releases every lock it held.
    private static async Task DropAsync(Leadership lead)
    {
        lead.Held = false;
        if (lead.Connection is { } connection)
        {
            lead.Connection = null;
            await connection.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This node now leads {Role} (advisory lock at {Database})")]
    private static partial void LogLeadershipTaken(ILogger logger, string role, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node no longer leads {Role}: its lock session at {Database} is gone ({Reason})")]
    private static partial void LogLeadershipLost(ILogger logger, string role, string database, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask {Database} who leads {Role} ({Reason}); not leading")]
    private static partial void LogLeadershipUnavailable(ILogger logger, string role, string database, string reason);

    private sealed class Leadership
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public NpgsqlConnection? Connection { get; set; }

        public bool Held { get; set; }
    }
}
