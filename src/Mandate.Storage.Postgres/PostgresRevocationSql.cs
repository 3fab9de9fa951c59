using Mandate.Core.Revocation;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>The revocations table and its change cursor.</summary>
internal static class PostgresRevocationSql
{
    private const string Columns = "id, target, value, revoked_at, keep_until, revoked_by, reason, lifted_at";

    // Revocations are immutable facts; a retried revocation with the same id is the same revocation. Only lifting
    // an agent's kill switch (with its retention) may change later. A new row and a lift take the next change
    // cursor; the commit holds the audit lock, so cursors are handed out in commit order. A retry takes none (the
    // value nextval gave the VALUES row is skipped, and cursors only need to grow).
    private const string Upsert = $"""
        INSERT INTO revocations ({Columns}, change_seq)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nextval('revocation_change_seq'))
        ON CONFLICT (id) DO UPDATE SET lifted_at = excluded.lifted_at, keep_until = excluded.keep_until,
            change_seq = CASE WHEN excluded.lifted_at IS NULL THEN revocations.change_seq ELSE excluded.change_seq END
        WHERE revocations.lifted_at IS NULL;
        """;

    public static NpgsqlBatchCommand UpsertCommand(Revocation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return PostgresValues.BatchCommand(
            Upsert,
            PostgresValues.Text(r.Id),
            PostgresValues.Text(PostgresValues.Target(r.Target)),
            PostgresValues.Text(r.Value),
            PostgresValues.Time(r.RevokedAt),
            PostgresValues.Time(r.KeepUntil),
            PostgresValues.Text(r.RevokedBy),
            PostgresValues.Text(r.Reason),
            PostgresValues.Time(r.LiftedAt));
    }

    public static async Task<IReadOnlyList<Revocation>> ListAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection, $"SELECT {Columns} FROM revocations WHERE keep_until > $1 ORDER BY revoked_at, id;", PostgresValues.Time(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var revocations = new List<Revocation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            revocations.Add(Read(reader));
        }

        return revocations;
    }

    public static async Task<IReadOnlyList<RevocationChange>> ChangesAsync(NpgsqlConnection connection, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection,
            $"SELECT {Columns}, change_seq FROM revocations WHERE change_seq > $1 ORDER BY change_seq LIMIT $2;",
            PostgresValues.Bigint(after),
            PostgresValues.Integer(limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<RevocationChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new RevocationChange(reader.GetInt64(8), Read(reader)));
        }

        return changes;
    }

    private static Revocation Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Target = PostgresValues.ParseTarget(reader.GetString(1)),
        Value = reader.GetString(2),
        RevokedAt = PostgresValues.ReadTime(reader, 3),
        KeepUntil = PostgresValues.ReadTime(reader, 4),
        RevokedBy = reader.GetString(5),
        Reason = PostgresValues.ReadOptionalText(reader, 6),
        LiftedAt = PostgresValues.ReadOptionalTime(reader, 7),
    };
}
