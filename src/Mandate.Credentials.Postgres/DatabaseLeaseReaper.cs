using System.Collections.Concurrent;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mandate.Credentials.Postgres;

/// <summary>
/// Drops the roles of leases whose credential expired or was revoked (by jti, run, agent, tenant or user)
/// and marks them dropped with an audit record. All state is in the store, so a restarted broker finishes
/// what a stopped one left; database errors are retried with backoff from 5 s doubling to <see cref="PassInterval"/>,
/// so a long outage never delays a drop by more than one pass once the database is back.
/// </summary>
public sealed partial class DatabaseLeaseReaper : IDisposable
{
    /// <summary>
    /// Time between passes, and the longest a failed drop waits for its retry: the documented bound between a credential's
    /// expiry (or another node's revocation) and its role being dropped.
    /// </summary>
    public static readonly TimeSpan PassInterval = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private readonly IMandateStore _store;
    private readonly IUnitOfWork _trail;
    private readonly PrincipalStanding _standing;
    private readonly PostgresAdminConnections _connections;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, (int Attempts, DateTimeOffset NextAttempt)> _backoff = new(StringComparer.Ordinal);

    public DatabaseLeaseReaper(IMandateStore store, IUnitOfWork trail, PrincipalStanding standing, PostgresAdminConnections connections, MandateOptions options, TimeProvider time, ILogger<DatabaseLeaseReaper> logger)
    {
        _store = store;
        _trail = trail;
        _standing = standing;
        _connections = connections;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when some tool hands out database logins, so the reaper has work to watch for.</summary>
    public bool HasWork => _options.Tools.Any(t => t.Kind == CredentialKind.Postgres);

    /// <summary>One pass over the live leases. Passes never overlap; a pass that fails on one role goes on with the next.</summary>
    public async Task<DatabaseLeaseReaperResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var dropped = 0;
            var failed = 0;
            var live = 0;
            foreach (var lease in await _store.ListDatabaseLeasesAsync(liveOnly: true, cancellationToken))
            {
                // Judged as introspection and the proxy judge a credential: also through its run's ancestors and the user token it rests on.
                var reason = await _standing.CoveringCredentialAsync(lease.Facts, cancellationToken) is { } r ? $"revoked ({r.Target.ToString().ToLowerInvariant()} revocation {r.Id})"
                    : lease.ExpiresAt <= now ? "expired" : null;
                if (reason is null)
                {
                    live++;
                }
                else if (_backoff.TryGetValue(lease.Role, out var wait) && wait.NextAttempt > now)
                {
                    failed++;
                }
                else if (await TryDropAsync(lease, reason, now, cancellationToken))
                {
                    dropped++;
                }
                else
                {
                    failed++;
                }
            }

            return new DatabaseLeaseReaperResult(dropped, failed, live);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> TryDropAsync(DatabaseLease lease, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tool = _options.Tools.FirstOrDefault(t => t.Name == lease.Tool && t.Kind == CredentialKind.Postgres);
        bool existed;
        try
        {
            if (tool is null)
            {
                throw new PostgresAdminUnavailableException($"tool '{lease.Tool}' is no longer configured as kind postgres");
            }

            existed = await PostgresRoles.DropAsync(_connections.For(tool), lease.Role, cancellationToken);
        }
        catch (Exception e) when (e is PostgresAdminUnavailableException or NpgsqlException or TimeoutException)
        {
            var attempts = _backoff.TryGetValue(lease.Role, out var previous) ? previous.Attempts + 1 : 1;
            // Capped at one pass: a longer wait would break the 15 s bound after an outage, and one failed connection per role per pass is cheap.
            var delay = TimeSpan.FromTicks(Math.Min(PassInterval.Ticks, FirstRetry.Ticks << Math.Min(attempts - 1, 16)));
            _backoff[lease.Role] = (attempts, now + delay);
            LogDropFailed(_logger, lease.Role, lease.Tool, attempts, PostgresCredentialKind.Describe(e), delay);
            return false;
        }

        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["pg_role"] = lease.Role,
            ["expires_at"] = lease.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["role_existed"] = existed ? "true" : "false",
        };
        var audit = new AuditEvent
        {
            Kind = AuditKinds.LeaseDropped,
            Time = now,
            Outcome = "dropped",
            Agent = lease.Agent,
            Tenant = lease.Tenant,
            User = lease.User,
            Run = lease.Run,
            Tool = lease.Tool,
            Jti = lease.Jti,
            Reason = reason,
            Node = _options.Node,
            Evidence = evidence,
        };
        try
        {
            await _trail.CommitAsync(new StoreBatch(audit, lease with { State = DatabaseLeaseState.Dropped, DroppedAt = now, DropReason = reason }), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The role is gone; the next pass finds it missing and records the drop then.
            return false;
        }

        _backoff.TryRemove(lease.Role, out _);
        LogDropped(_logger, lease.Role, lease.Tool, reason);
        return true;
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped database role {Role} of tool {Tool}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string role, string tool, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not drop database role {Role} of tool {Tool} (attempt {Attempts}): {Reason}; retrying in {Delay}")]
    private static partial void LogDropFailed(ILogger logger, string role, string tool, int attempts, string reason, TimeSpan delay);
}
