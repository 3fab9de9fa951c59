using System.Text.Json;
using Mandate.Core.Credentials;
using Mandate.Core.Spiffe;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>SPIFFE registration entries and database leases.</summary>
internal static class PostgresEntrySql
{
    private const string EntryColumns = "id, spiffe_id, selectors, x509_ttl_seconds, jwt_ttl_seconds, created_at, created_by";

    private const string LeaseColumns = """role, tool, jti, run, tenant, agent, "user", issued_at, expires_at, state, dropped_at, drop_reason""";

    // A lease only moves forward: once dropped, a late or repeated write cannot bring it back.
    private const string UpsertLease = $"""
        INSERT INTO database_leases ({LeaseColumns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (role) DO UPDATE SET state = excluded.state, dropped_at = excluded.dropped_at, drop_reason = excluded.drop_reason
        WHERE database_leases.state <> 'dropped';
        """;

    public static NpgsqlBatchCommand InsertEntryCommand(RegistrationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Stored TTLs are whole seconds.
        return PostgresValues.BatchCommand(
            $"INSERT INTO registration_entries ({EntryColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7);",
            PostgresValues.Text(entry.Id),
            PostgresValues.Text(entry.SpiffeId),
            PostgresValues.Text(entry.Selectors is null ? null : JsonSerializer.Serialize(entry.Selectors)),
            PostgresValues.Bigint(entry.X509Ttl is { } x ? (long)x.TotalSeconds : null),
            PostgresValues.Bigint(entry.JwtTtl is { } j ? (long)j.TotalSeconds : null),
            PostgresValues.Time(entry.CreatedAt),
            PostgresValues.Text(entry.CreatedBy));
    }

    public static NpgsqlBatchCommand DeleteEntryCommand(RegistrationEntryDeletion deletion)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        return PostgresValues.BatchCommand("DELETE FROM registration_entries WHERE id = $1;", PostgresValues.Text(deletion.Id));
    }

    public static NpgsqlBatchCommand UpsertLeaseCommand(DatabaseLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return PostgresValues.BatchCommand(
            UpsertLease,
            PostgresValues.Text(lease.Role),
            PostgresValues.Text(lease.Tool),
            PostgresValues.Text(lease.Jti),
            PostgresValues.Text(lease.Run),
            PostgresValues.Text(lease.Tenant),
            PostgresValues.Text(lease.Agent),
            PostgresValues.Text(lease.User),
            PostgresValues.Time(lease.IssuedAt),
            PostgresValues.Time(lease.ExpiresAt),
            PostgresValues.Text(lease.State == DatabaseLeaseState.Dropped ? "dropped" : "active"),
            PostgresValues.Time(lease.DroppedAt),
            PostgresValues.Text(lease.DropReason));
    }

    public static async Task<IReadOnlyList<RegistrationEntry>> ListEntriesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(connection, $"SELECT {EntryColumns} FROM registration_entries ORDER BY created_at, id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<RegistrationEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new RegistrationEntry
            {
                Id = reader.GetString(0),
                SpiffeId = reader.GetString(1),
                Selectors = JsonSerializer.Deserialize<List<string>>(reader.GetString(2)) ?? [],
                X509Ttl = reader.IsDBNull(3) ? null : TimeSpan.FromSeconds(reader.GetInt64(3)),
                JwtTtl = reader.IsDBNull(4) ? null : TimeSpan.FromSeconds(reader.GetInt64(4)),
                CreatedAt = PostgresValues.ReadTime(reader, 5),
                CreatedBy = PostgresValues.ReadOptionalText(reader, 6),
            });
        }

        return entries;
    }

    public static async Task<IReadOnlyList<DatabaseLease>> ListLeasesAsync(NpgsqlConnection connection, bool liveOnly, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection,
            $"SELECT {LeaseColumns} FROM database_leases" + (liveOnly ? " WHERE state = 'active'" : "") + " ORDER BY issued_at, role;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var leases = new List<DatabaseLease>();
        while (await reader.ReadAsync(cancellationToken))
        {
            leases.Add(new DatabaseLease
            {
                Role = reader.GetString(0),
                Tool = reader.GetString(1),
                Jti = reader.GetString(2),
                Run = reader.GetString(3),
                Tenant = reader.GetString(4),
                Agent = reader.GetString(5),
                User = PostgresValues.ReadOptionalText(reader, 6),
                IssuedAt = PostgresValues.ReadTime(reader, 7),
                ExpiresAt = PostgresValues.ReadTime(reader, 8),
                State = reader.GetString(9) == "dropped" ? DatabaseLeaseState.Dropped : DatabaseLeaseState.Active,
                DroppedAt = PostgresValues.ReadOptionalTime(reader, 10),
                DropReason = PostgresValues.ReadOptionalText(reader, 11),
            });
        }

        return leases;
    }
}
