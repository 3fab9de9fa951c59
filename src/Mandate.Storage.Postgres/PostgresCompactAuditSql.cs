using Mandate.Core.Audit;
using Npgsql;
using NpgsqlTypes;

namespace Mandate.Storage.Postgres;

/// <summary>
/// Compact audit records (<see cref="AuditCompactForm"/>): the batch insert that adds each new shape once and the
/// records referencing it, in one statement, and the query joined with the shapes (a left join: a record whose shape
/// row was deleted behind the store is still read, as <see cref="AuditRecord.MissingShape"/>).
/// </summary>
internal static class PostgresCompactAuditSql
{
    // The shapes inserted by this statement are not visible to its own join (one snapshot), so a record takes the
    // id RETURNING gave, or the one already stored. Writers hold the audit lock, so no other writer adds a shape meanwhile.
    private const string Insert = """
        WITH input AS (
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[],
                                 $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                                 $15::text[], $16::bytea[], $17::bytea[])
                AS t (seq, time, key, kind, outcome, agent, tenant, body, own_keys, "user", run, jti, decision_id, trace_id,
                      evidence, prev_hash, hash)
        ), added AS (
            INSERT INTO audit_shapes (key, kind, outcome, agent, tenant, body, own_keys)
            SELECT DISTINCT ON (key) key, kind, outcome, agent, tenant, body, own_keys FROM input ORDER BY key
            ON CONFLICT (key) DO NOTHING
            RETURNING id, key
        )
        INSERT INTO audit (seq, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash)
        SELECT i.seq, i.time, COALESCE(a.id, s.id), i."user", i.run, i.jti, i.decision_id, i.trace_id, i.evidence, i.prev_hash, i.hash
        FROM input i LEFT JOIN added a ON a.key = i.key LEFT JOIN audit_shapes s ON s.key = i.key;
        """;

    private const string Select = """
        SELECT a.seq, a.time, s.kind, s.outcome, s.agent, s.tenant, a."user", s.body, s.own_keys,
               a.run, a.jti, a.decision_id, a.trace_id, a.evidence, a.prev_hash, a.hash
        FROM audit a LEFT JOIN audit_shapes s ON s.id = a.shape
        """;

    private static readonly PostgresAuditColumns Columns = new(
        "s.agent", "s.tenant", "a.\"user\"", "a.run", "a.jti", "s.kind", "a.trace_id", "a.time", "a.seq");

    /// <summary>Inserts <paramref name="records"/>, chained from <paramref name="events"/>, with any shape not yet stored.</summary>
    public static NpgsqlBatchCommand InsertCommand(IReadOnlyList<EncodedAuditEvent> events, IReadOnlyList<AuditRecord> records)
    {
        var compact = events.Select(e => e.Compact).ToArray();
        string?[] Texts(Func<AuditCompactForm, string?> field) => [.. compact.Select(field)];
        return PostgresValues.BatchCommand(
            Insert,
            PostgresValues.BigintArray([.. records.Select(r => r.Sequence)]),
            PostgresValues.BigintArray([.. compact.Select(c => c.Time.UtcTicks)]),
            ByteaArray([.. compact.Select(c => c.Shape.Key)]),
            PostgresValues.TextArray(Texts(c => c.Shape.Kind)),
            PostgresValues.TextArray(Texts(c => c.Shape.Outcome)),
            PostgresValues.TextArray(Texts(c => c.Shape.Agent)),
            PostgresValues.TextArray(Texts(c => c.Shape.Tenant)),
            PostgresValues.TextArray(Texts(c => c.Shape.Body)),
            PostgresValues.TextArray(Texts(c => c.Shape.OwnKeys)),
            PostgresValues.TextArray(Texts(c => c.User)),
            PostgresValues.TextArray(Texts(c => c.Run)),
            PostgresValues.TextArray(Texts(c => c.Jti)),
            PostgresValues.TextArray(Texts(c => c.DecisionId)),
            PostgresValues.TextArray(Texts(c => c.TraceId)),
            PostgresValues.TextArray(Texts(c => c.OwnValues)),
            ByteaArray([.. records.Select(r => Convert.FromHexString(r.PreviousHash))]),
            ByteaArray([.. records.Select(r => Convert.FromHexString(r.Hash))]));
    }

    public static NpgsqlCommand QueryCommand(NpgsqlConnection connection, AuditQuery query) =>
        PostgresAuditSql.QueryCommand(connection, Select, Columns, query, time => PostgresValues.Bigint(time.UtcTicks));

    public static AuditRecord ReadRecord(NpgsqlDataReader reader) =>
        new AuditCompactRow(
            reader.GetInt64(0),
            reader.GetInt64(1),
            PostgresValues.ReadOptionalText(reader, 2),
            PostgresValues.ReadOptionalText(reader, 3),
            PostgresValues.ReadOptionalText(reader, 4),
            PostgresValues.ReadOptionalText(reader, 5),
            PostgresValues.ReadOptionalText(reader, 6),
            PostgresValues.ReadOptionalText(reader, 7),
            PostgresValues.ReadOptionalText(reader, 8),
            PostgresValues.ReadOptionalText(reader, 9),
            PostgresValues.ReadOptionalText(reader, 10),
            PostgresValues.ReadOptionalText(reader, 11),
            PostgresValues.ReadOptionalText(reader, 12),
            PostgresValues.ReadOptionalText(reader, 13),
            reader.GetFieldValue<byte[]>(14),
            reader.GetFieldValue<byte[]>(15)).ToRecord();

    private static NpgsqlParameter ByteaArray(byte[][] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = values };
}
