using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Reads the records written before the compact form (schema version 9): the canonical payload and hex hashes as
/// text, with copies of the filtered fields beside them. Nothing is written here any more.
/// </summary>
internal static class SqliteAuditV1Sql
{
    private const string Select = """
        SELECT seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash FROM audit_v1
        """;

    private static readonly SqliteAuditColumns Columns = new(
        "agent", "tenant", "\"user\"", "run", "jti", "kind", "json_extract(payload, '$.trace_id')", "time", "seq");

    public static void Build(SqliteCommand command, AuditQuery query) =>
        SqliteAuditFilter.Build(command, Select, Columns, query, since => SqliteValues.Time(since));

    public static AuditRecord ReadRecord(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(9), reader.GetString(10), reader.GetString(11))
        {
            Columns = new AuditIndexColumns(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                SqliteValues.OptionalString(reader, 4),
                SqliteValues.OptionalString(reader, 5),
                SqliteValues.OptionalString(reader, 6),
                SqliteValues.OptionalString(reader, 7),
                SqliteValues.OptionalString(reader, 8)),
        };
}
