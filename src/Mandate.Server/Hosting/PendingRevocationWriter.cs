using Mandate.Core.Audit;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Makes revocations that were put in force during a store outage durable as soon as the store takes
/// writes again: at once when another write succeeds, otherwise by retrying every <see cref="RetryInterval"/>.
/// </summary>
internal sealed partial class PendingRevocationWriter : BackgroundService
{
    /// <summary>How often a failing store is tried again while revocations wait.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly PendingRevocations _pending;
    private readonly IUnitOfWork _trail;
    private readonly StoreHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger<PendingRevocationWriter> _logger;
    private TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingRevocationWriter(PendingRevocations pending, IUnitOfWork trail, StoreHealth health, TimeProvider time, ILogger<PendingRevocationWriter> logger)
    {
        _pending = pending;
        _trail = trail;
        _health = health;
        _time = time;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // One last try; what still waits is lost with this process, so the operator must hear of it.
        await _pending.RecordAsync(_trail, CancellationToken.None);
        if (_pending.Count > 0)
        {
            LogLostAtShutdown(_logger, _pending.Count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _health.Changed += OnHealthChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (_pending.Count == 0)
                {
                    await _pending.Added.WaitAsync(stoppingToken);
                    continue;
                }

                // Not cancellable: a write abandoned at shutdown may still commit, and the final attempt would then record it twice.
                var recorded = await _pending.RecordAsync(_trail, CancellationToken.None);
                if (recorded > 0)
                {
                    LogRecorded(_logger, recorded);
                    continue;
                }

                var recovered = Volatile.Read(ref _recovered).Task;
                await Task.WhenAny(recovered, Task.Delay(RetryInterval, _time, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _health.Changed -= OnHealthChanged;
        }
    }

    private void OnHealthChanged(object? sender, StoreHealthChange change)
    {
        if (change.Healthy)
        {
            Interlocked.Exchange(ref _recovered, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Recorded {Count} revocations that were in force since the store outage")]
    private static partial void LogRecorded(ILogger logger, int count);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error,
        Message = "{Count} revocations made during the store outage were never recorded and end with this process; revoke them again once the store is back")]
    private static partial void LogLostAtShutdown(ILogger logger, int count);
}
