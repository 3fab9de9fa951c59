using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Reads compact audit records (<see cref="SqliteAuditWriter"/>) joined with their shapes. The join is a left join: a
/// record whose shape row was deleted behind the store is still read (as <see cref="AuditRecord.MissingShape"/>), so
/// it neither vanishes from queries nor hides from <c>audit verify</c>.
/// </summary>
internal static class SqliteAuditSql
{
    private const string Select = """
        SELECT a.seq, a.time, s.kind, s.outcome, s.agent, s.tenant, a."user", s.body, s.own_keys,
               a.run, a.jti, a.decision_id, a.trace_id, a.evidence, a.prev_hash, a.hash
        FROM audit a LEFT JOIN audit_shapes s ON s.id = a.shape
        """;

    private static readonly SqliteAuditColumns Columns = new(
        "s.agent", "s.tenant", "a.\"user\"", "a.run", "a.jti", "s.kind", "a.trace_id", "a.time", "a.seq");

    public static void Build(SqliteCommand command, AuditQuery query) =>
        SqliteAuditFilter.Build(command, Select, Columns, query, since => since.UtcTicks);

    public static AuditRecord ReadRecord(SqliteDataReader reader) =>
        new AuditCompactRow(
            reader.GetInt64(0),
            reader.GetInt64(1),
            SqliteValues.OptionalString(reader, 2),
            SqliteValues.OptionalString(reader, 3),
            SqliteValues.OptionalString(reader, 4),
            SqliteValues.OptionalString(reader, 5),
            SqliteValues.OptionalString(reader, 6),
            SqliteValues.OptionalString(reader, 7),
            SqliteValues.OptionalString(reader, 8),
            SqliteValues.OptionalString(reader, 9),
            SqliteValues.OptionalString(reader, 10),
            SqliteValues.OptionalString(reader, 11),
            SqliteValues.OptionalString(reader, 12),
            SqliteValues.OptionalString(reader, 13),
            (byte[])reader.GetValue(14),
            (byte[])reader.GetValue(15)).ToRecord();
}
