using Mandate.Core.Cluster;
using Mandate.Core.Revocation;
using Mandate.Credentials.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Runs the database lease reaper at start-up (leases left by a stopped broker), every 15 seconds (expiry),
/// and at once whenever a revocation reaches this node, so revoked logins go within seconds. Of nodes sharing a
/// store only the leader of <see cref="ClusterRoles.LeaseReaper"/> reaps; the others ask again every pass and take
/// over within one interval when the leader goes.
/// </summary>
internal sealed partial class DatabaseLeaseReaperService : BackgroundService
{
    private readonly DatabaseLeaseReaper _reaper;
    private readonly RevocationList _revocations;
    private readonly TimeProvider _time;
    private readonly ClusterLeadership _leadership;
    private readonly ILogger<DatabaseLeaseReaperService> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public DatabaseLeaseReaperService(DatabaseLeaseReaper reaper, RevocationList revocations, TimeProvider time, ClusterLeadership leadership, ILogger<DatabaseLeaseReaperService> logger)
    {
        _reaper = reaper;
        _leadership = leadership;
        _revocations = revocations;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_reaper.HasWork)
        {
            return;
        }

        _revocations.Added += OnRevoked;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await _leadership.IsLeaderAsync(ClusterRoles.LeaseReaper, stoppingToken))
                    {
                        await _reaper.RunOnceAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A store outage must not end the loop; the next pass retries.
                    LogPassFailed(_logger, e.GetType().Name, e.Message);
                }

                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(DatabaseLeaseReaper.PassInterval, _time, tick.Token);
                await Task.WhenAny(delay, _wake.WaitAsync(tick.Token));
                await tick.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _revocations.Added -= OnRevoked;
        }
    }

    private void OnRevoked(object? sender, Revocation revocation)
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database lease reaper pass failed, will retry: {Kind} {Error}")]
    private static partial void LogPassFailed(ILogger logger, string kind, string error);
}
