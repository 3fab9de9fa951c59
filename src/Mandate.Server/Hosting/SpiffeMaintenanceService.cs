using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Once a minute: renews the SPIFFE CA when it nears expiry, rotates the JWT-SVID key on keys.rotate_every,
/// and picks up keys other nodes created, so the bundle every node serves stays current.
/// </summary>
internal sealed partial class SpiffeMaintenanceService : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly SpiffeAuthority _authority;
    private readonly TimeProvider _time;
    private readonly ILogger<SpiffeMaintenanceService> _logger;

    public SpiffeMaintenanceService(SpiffeAuthority authority, TimeProvider time, ILogger<SpiffeMaintenanceService> logger)
    {
        _authority = authority;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await _authority.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is StoreUnavailableException or MandateConfigException)
            {
                // The current CA and JWT key keep signing; the refresh is retried on the next tick.
                LogRefreshFailed(_logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SPIFFE key refresh failed, will retry: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
