using Mandate.Core.Cluster;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Once a minute: renews the SPIFFE CA when it nears expiry, rotates the JWT-SVID key on keys.rotate_every,
/// and picks up keys other nodes created, so the bundle every node serves stays current. The CA and the JWT-SVID key
/// are shared by every node: only the leader of <see cref="ClusterRoles.SharedKeyRotation"/> renews them (under the
/// keys' cluster-wide mutex as well); the other nodes only re-read.
/// </summary>
internal sealed partial class SpiffeMaintenanceService : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly SpiffeAuthority _authority;
    private readonly TimeProvider _time;
    private readonly ClusterLeadership _leadership;
    private readonly ILogger<SpiffeMaintenanceService> _logger;

    public SpiffeMaintenanceService(SpiffeAuthority authority, TimeProvider time, ClusterLeadership leadership, ILogger<SpiffeMaintenanceService> logger)
    {
        _authority = authority;
        _leadership = leadership;
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
                if (await _leadership.IsLeaderAsync(ClusterRoles.SharedKeyRotation, stoppingToken))
                {
                    await _authority.RefreshAsync(stoppingToken);
                }
                else
                {
                    await _authority.ReloadAsync(stoppingToken);
                }
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
