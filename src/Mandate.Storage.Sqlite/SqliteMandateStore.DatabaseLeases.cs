using Mandate.Core.Credentials;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Database leases: the dynamic logins the reaper must drop.</summary>
public sealed partial class SqliteMandateStore
{
    private const string LeaseColumns = """role, tool, jti, run, tenant, agent, "user", issued_at, expires_at, state, dropped_at, drop_reason""";

    // A lease only moves forward: once dropped, a late or repeated write cannot bring it back.
    private const string UpsertLease = $"""
        INSERT INTO database_leases ({LeaseColumns})
        VALUES ($role, $tool, $jti, $run, $tenant, $agent, $user, $issuedAt, $expiresAt, $state, $droppedAt, $dropReason)
        ON CONFLICT (role) DO UPDATE SET state = excluded.state, dropped_at = excluded.dropped_at, drop_reason = excluded.drop_reason
        WHERE database_leases.state <> 'dropped';
        """;

    public Task<IReadOnlyList<DatabaseLease>> ListDatabaseLeasesAsync(bool liveOnly, CancellationToken cancellationToken) =>
        ReadAsync("list database leases", c => ReadLeasesAsync(c, liveOnly, cancellationToken), cancellationToken);

    internal static async Task WriteLeaseAsync(SqliteConnection connection, DatabaseLease lease, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = UpsertLease;
        var p = command.Parameters;
        p.AddWithValue("$role", lease.Role);
        p.AddWithValue("$tool", lease.Tool);
        p.AddWithValue("$jti", lease.Jti);
        p.AddWithValue("$run", lease.Run);
        p.AddWithValue("$tenant", lease.Tenant);
        p.AddWithValue("$agent", lease.Agent);
        p.AddWithValue("$user", SqliteValues.Nullable(lease.User));
        p.AddWithValue("$issuedAt", SqliteValues.Time(lease.IssuedAt));
        p.AddWithValue("$expiresAt", SqliteValues.Time(lease.ExpiresAt));
        p.AddWithValue("$state", lease.State == DatabaseLeaseState.Dropped ? "dropped" : "active");
        p.AddWithValue("$droppedAt", SqliteValues.Time(lease.DroppedAt));
        p.AddWithValue("$dropReason", SqliteValues.Nullable(lease.DropReason));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<DatabaseLease>> ReadLeasesAsync(SqliteConnection connection, bool liveOnly, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {LeaseColumns} FROM database_leases"
            + (liveOnly ? " WHERE state = 'active'" : "") + " ORDER BY issued_at, role;";
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var leases = new List<DatabaseLease>();
        while (await r.ReadAsync(cancellationToken))
        {
            leases.Add(new DatabaseLease
            {
                Role = r.GetString(0),
                Tool = r.GetString(1),
                Jti = r.GetString(2),
                Run = r.GetString(3),
                Tenant = r.GetString(4),
                Agent = r.GetString(5),
                User = r.IsDBNull(6) ? null : r.GetString(6),
                IssuedAt = SqliteValues.ParseTime(r.GetString(7)),
                ExpiresAt = SqliteValues.ParseTime(r.GetString(8)),
                State = r.GetString(9) == "dropped" ? DatabaseLeaseState.Dropped : DatabaseLeaseState.Active,
                DroppedAt = r.IsDBNull(10) ? null : SqliteValues.ParseTime(r.GetString(10)),
                DropReason = r.IsDBNull(11) ? null : r.GetString(11),
            });
        }

        return leases;
    }
}
