using System.Collections.Concurrent;
using Mandate.Core.Cluster;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Asks <see cref="IClusterLocks"/> whether this node runs a background role now, and remembers the answers: each
/// change of leadership is logged once (not every tick), and the admin status lists the roles held.
/// </summary>
public sealed partial class ClusterLeadership
{
    private readonly IClusterLocks _locks;
    private readonly ILogger<ClusterLeadership> _logger;
    private readonly ConcurrentDictionary<string, bool> _held = new(StringComparer.Ordinal);

    public ClusterLeadership(IClusterLocks locks, ILogger<ClusterLeadership> logger)
    {
        _locks = locks;
        _logger = logger;
    }

    /// <summary>The roles this node led at its last ask, in name order.</summary>
    public IReadOnlyList<string> Held => [.. _held.Where(r => r.Value).Select(r => r.Key).Order(StringComparer.Ordinal)];

    /// <summary>True while this node runs <paramref name="role"/>; false (never a throw) when the store cannot be reached.</summary>
    public async Task<bool> IsLeaderAsync(string role, CancellationToken cancellationToken)
    {
        var leads = await _locks.IsLeaderAsync(role, cancellationToken);
        var before = _held.GetValueOrDefault(role);
        _held[role] = leads;
        if (leads && !before)
        {
            LogTookRole(_logger, role);
        }
        else if (!leads && before)
        {
            LogLostRole(_logger, role);
        }

        return leads;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This node now leads cluster role {Role}")]
    private static partial void LogTookRole(ILogger logger, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node no longer leads cluster role {Role}; another node takes it over")]
    private static partial void LogLostRole(ILogger logger, string role);
}
