using System.Data;
using Mandate.Core.Cluster;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// The change feed of a node on the PostgreSQL store: one dedicated connection LISTENs on
/// <c>mandate_changes</c>; after every (re)connect, once LISTEN holds, every topic is read (catch-up) so a change
/// committed while the node was away is never missed; then each notification's topic is handed on at once
/// (bursts coalesced). A <c>SELECT 1</c> heartbeat on the same connection when nothing arrives proves the
/// connection alive: the feed is current only while it heard the server within three heartbeat intervals.
/// </summary>
public sealed partial class PostgresChangeFeed : IChangeFeed
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly ChangeTopic[] AllTopics = Enum.GetValues<ChangeTopic>();

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile NpgsqlConnection? _listener;
    private long _lastHeardTicks;

    public PostgresChangeFeed(PostgresDatabase database, TimeProvider time, ILogger<PostgresChangeFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _time = time;
        _logger = logger;
    }

    /// <summary>How long the listen connection may stay silent before a heartbeat query. Default 1 s.</summary>
    internal TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reconnect attempts (100 ms doubling up to this). Default 2 s.</summary>
    internal TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The channel listened on; tests use a private one so other tests' notifications do not reach them.</summary>
    internal string Channel { get; set; } = PostgresChannels.Changes;

    /// <summary>When the server was last heard on the listen connection (notification, heartbeat or catch-up).</summary>
    internal DateTimeOffset LastHeard => new(Volatile.Read(ref _lastHeardTicks), TimeSpan.Zero);

    /// <summary>The backend process id of the current listen connection, if any.</summary>
    internal int? ListenerProcessId => _listener?.ProcessID;

    public bool IsCurrent =>
        _listener is { State: ConnectionState.Open }
        && _time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastHeardTicks) <= 3 * HeartbeatInterval.Ticks;

    public async Task RunAsync(Func<ChangeTopic, CancellationToken, Task> onChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        await using var connections = DedicatedConnections.Create(_database, "changes");
        var backoff = FirstBackoff;
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var caughtUp = false;
            try
            {
                await ListenAsync(connections, onChange, () => caughtUp = true, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (PostgresOutages.IsOutage(e) || e is InvalidOperationException or OperationCanceledException)
            {
                // InvalidOperationException: Npgsql's word for a connection found closed or broken when used; a
                // cancellation that is not ours is a timeout inside the driver.
                _listener = null;
                backoff = caughtUp ? FirstBackoff : backoff;
                attempt = caughtUp ? 1 : attempt + 1;
                LogConnectionFailed(_logger, _database.Description, attempt, PostgresOutages.Describe(e), backoff);
            }
            catch (ChangeHandlerException e)
            {
                _listener = null;
                backoff = caughtUp ? FirstBackoff : backoff;
                attempt = caughtUp ? 1 : attempt + 1;
                LogHandlerFailed(_logger, e.Topic, _database.Description, backoff, e.InnerException!);
            }

            try
            {
                await Task.Delay(backoff, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Math.Max(MaxBackoff.Ticks, FirstBackoff.Ticks)));
        }

        _listener = null;
    }

    // One connection's life: LISTEN, catch up, then read and dispatch until either fails. Never returns normally.
    private async Task ListenAsync(NpgsqlDataSource connections, Func<ChangeTopic, CancellationToken, Task> onChange, Action caughtUp, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenConnectionAsync(cancellationToken);
        var pending = new PendingTopics();
        connection.Notification += (_, e) =>
        {
            Heard();
            if (string.Equals(e.Channel, Channel, StringComparison.Ordinal) && PostgresChannels.Parse(e.Payload) is { } topic)
            {
                pending.Add(topic);
            }
        };

        // The channel is an identifier, not a value: it cannot be a parameter. It is a constant (or a test's own name).
        await using (var listen = new NpgsqlCommand($"LISTEN \"{Channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        // Only now, with LISTEN in place, does a full read cover everything: a change committed from here on is
        // also notified, and one committed before is seen by the read.
        foreach (var topic in AllTopics)
        {
            await InvokeAsync(onChange, topic, cancellationToken);
        }

        Heard();
        _listener = connection;
        caughtUp();
        LogCurrent(_logger, Channel, _database.Description);

        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadAsync(connection, session.Token);
        var dispatching = DispatchAsync(pending, onChange, session.Token);
        var first = await Task.WhenAny(reading, dispatching);
        _listener = null;
        await session.CancelAsync();
        await Task.WhenAll(reading, dispatching).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await first;
    }

    // Notifications are raised by Npgsql while it reads (the Notification event); between them a heartbeat
    // proves the connection still delivers.
    private async Task ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var heartbeatTimeout = Math.Max(1, (int)Math.Ceiling(3 * HeartbeatInterval.TotalSeconds));
        while (true)
        {
            if (await connection.WaitAsync(HeartbeatInterval, cancellationToken))
            {
                continue;
            }

            await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = heartbeatTimeout };
            await ping.ExecuteScalarAsync(cancellationToken);
            Heard();
        }
    }

    private static async Task DispatchAsync(PendingTopics pending, Func<ChangeTopic, CancellationToken, Task> onChange, CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var topic in await pending.TakeAsync(cancellationToken))
            {
                await InvokeAsync(onChange, topic, cancellationToken);
            }
        }
    }

    private static async Task InvokeAsync(Func<ChangeTopic, CancellationToken, Task> onChange, ChangeTopic topic, CancellationToken cancellationToken)
    {
        try
        {
            await onChange(topic, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The handler is the caller's: whatever it throws, the feed must stay up, fail closed and catch up again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new ChangeHandlerException(topic, e);
        }
    }

    private void Heard() => Volatile.Write(ref _lastHeardTicks, _time.GetUtcNow().UtcTicks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change feed listening on {Channel} at {Database}: caught up and current")]
    private static partial void LogCurrent(ILogger logger, string channel, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change feed lost {Database} (attempt {Attempt}): {Reason}; not current (requests fail closed), reconnecting in {Delay}")]
    private static partial void LogConnectionFailed(ILogger logger, string database, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Change feed could not apply a change of {Topic} from {Database}; not current (requests fail closed), catching up again in {Delay}")]
    private static partial void LogHandlerFailed(ILogger logger, ChangeTopic topic, string database, TimeSpan delay, Exception exception);

    private sealed class ChangeHandlerException(ChangeTopic topic, Exception inner) : Exception($"The change handler failed for {topic}.", inner)
    {
        public ChangeTopic Topic { get; } = topic;
    }
}
