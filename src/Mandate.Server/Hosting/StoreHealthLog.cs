using Mandate.Core;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Logs the store's health once per transition: the outage at error level with its cause, the recovery at
/// information level, and blocked / cleared WAL checkpoints. The requests refused meanwhile are logged at
/// debug level only, so an outage under load is a few lines, not one per request.
/// </summary>
internal sealed partial class StoreHealthLog : IHostedService
{
    private readonly StoreHealth _health;
    private readonly IMandateStore _store;
    private readonly ILogger<StoreHealthLog> _logger;
    private DateTimeOffset _failingSince;
    private bool _failing;

    public StoreHealthLog(StoreHealth health, IMandateStore store, ILogger<StoreHealthLog> logger)
    {
        _health = health;
        _store = store;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _health.Changed += OnChanged;
        _health.CheckpointChanged += OnCheckpointChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _health.Changed -= OnChanged;
        _health.CheckpointChanged -= OnCheckpointChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(object? sender, StoreHealthChange change)
    {
        // Transitions arrive one at a time: the store reports them under its write lock.
        if (change.Healthy)
        {
            _failing = false;
            LogRecovered(_logger, _store.Description, change.Since - _failingSince);
            return;
        }

        if (!_failing)
        {
            _failing = true;
            _failingSince = change.Since;
        }

        LogFailing(_logger, _store.Description, Describe(change.Cause), change.Detail ?? "");
    }

    private void OnCheckpointChanged(object? sender, CheckpointStateChange change)
    {
        if (change.Blocked)
        {
            LogCheckpointBlocked(_logger, _store.Description, change.WalBytes);
        }
        else
        {
            LogCheckpointCleared(_logger, _store.Description, change.WalBytes);
        }
    }

    /// <summary>The cause in a few words, true of every store; the store's own detail (file or server) follows it in the log.</summary>
    internal static string Describe(StoreFailureCause cause) => cause switch
    {
        StoreFailureCause.Locked => "locked by another process",
        StoreFailureCause.ReadOnly => "read-only",
        StoreFailureCause.DiskFull => "disk full",
        StoreFailureCause.IoError => "I/O error",
        StoreFailureCause.FileDeletedOrReplaced => "store file deleted or replaced",
        StoreFailureCause.Damaged => "file damaged",
        StoreFailureCause.CannotOpen => "cannot be opened as configured",
        StoreFailureCause.Unreachable => "cannot be reached or takes no connections now",
        StoreFailureCause.Rejected => "a batch refused by a constraint",
        _ => "unclassified failure",
    };

    [LoggerMessage(EventId = 100, Level = LogLevel.Error,
        Message = "Store {Store} is failing ({Cause}); requests that must be recorded are refused with 503 and nothing is issued until it recovers. {Detail}")]
    private static partial void LogFailing(ILogger logger, string store, string cause, string detail);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Store {Store} is healthy again after {Duration}; requests are served")]
    private static partial void LogRecovered(ILogger logger, string store, TimeSpan duration);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "Store {Store}: WAL checkpoints are blocked (a long-running reader, or the database file cannot be written); the WAL is {WalBytes} bytes and grows until they can run")]
    private static partial void LogCheckpointBlocked(ILogger logger, string store, long walBytes);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Store {Store}: WAL checkpoints run again; the WAL is back to {WalBytes} bytes")]
    private static partial void LogCheckpointCleared(ILogger logger, string store, long walBytes);
}
