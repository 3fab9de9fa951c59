using System.Text;
using Mandate.Core.Audit;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>The columns (or expressions) one audit table keeps each filtered field in.</summary>
internal sealed record PostgresAuditColumns(string Agent, string Tenant, string User, string Run, string Jti, string Kind, string TraceId, string Time, string Seq);

/// <summary>
/// The audit log's tail, and the query behind <see cref="AuditQuery"/> for either table: the compact records
/// (<see cref="PostgresCompactAuditSql"/>) and those written before them (<c>audit_v1</c>: canonical payload and hex
/// hashes as text, with copies of the filtered fields; nothing is written there any more).
/// </summary>
internal static class PostgresAuditSql
{
    // The compact table holds the newest record when it has any; the newest prune anchor is the tail once every record
    // up to it was pruned. Hashes are read as lowercase hex either way.
    public const string ReadTail = """
        (SELECT seq, encode(hash, 'hex') FROM audit ORDER BY seq DESC LIMIT 1)
        UNION ALL (SELECT seq, hash FROM audit_v1 ORDER BY seq DESC LIMIT 1)
        UNION ALL (SELECT seq, encode(hash, 'hex') FROM audit_anchors ORDER BY seq DESC LIMIT 1)
        ORDER BY 1 DESC LIMIT 1;
        """;

    private const string SelectV1 = """
        SELECT seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash FROM audit_v1
        """;

    private static readonly PostgresAuditColumns V1Columns = new(
        "agent", "tenant", "\"user\"", "run", "jti", "kind", "payload::jsonb ->> 'trace_id'", "time", "seq");

    // Fixed-width UTC text in the "C" collation orders like the instants it names.
    public static NpgsqlCommand QueryV1Command(NpgsqlConnection connection, AuditQuery query) =>
        QueryCommand(connection, SelectV1, V1Columns, query, time => PostgresValues.Text(AuditCanonicalJson.FormatTime(time)));

    public static NpgsqlCommand QueryCommand(
        NpgsqlConnection connection, string select, PostgresAuditColumns columns, AuditQuery query, Func<DateTimeOffset, NpgsqlParameter> time)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder(select);
        var conditions = new List<string>();
        void Add(string condition, NpgsqlParameter? parameter)
        {
            if (parameter is not null)
            {
                command.Parameters.Add(parameter);
                conditions.Add(condition.Replace("@", "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }
        }

        NpgsqlParameter? Text(string? value) => value is null ? null : PostgresValues.Text(value);
        Add($"{columns.Agent} = @", Text(query.Agent));
        Add($"{columns.Tenant} = @", Text(query.Tenant));
        Add($"{columns.User} = @", Text(query.User));
        Add($"{columns.Run} = @", Text(query.Run));
        Add($"{columns.Jti} = @", Text(query.Jti));
        Add($"{columns.Kind} = @", Text(query.Kind));
        Add($"{columns.TraceId} = @", Text(query.TraceId));
        Add($"{columns.Time} >= @", query.Since is { } since ? time(since) : null);
        Add($"{columns.Time} < @", query.Until is { } until ? time(until) : null);
        Add($"{columns.Seq} > @", query.AfterSequence > 0 ? PostgresValues.Bigint(query.AfterSequence) : null);
        Add($"{columns.Seq} < @", query.BeforeSequence > 0 ? PostgresValues.Bigint(query.BeforeSequence) : null);
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY ").Append(columns.Seq).Append(query.NewestFirst ? " DESC" : "");
        if (query.Limit > 0)
        {
            command.Parameters.Add(PostgresValues.Bigint(query.Limit));
            sql.Append(" LIMIT $").Append(command.Parameters.Count);
        }

        command.CommandText = sql.Append(';').ToString();
        return command;
    }

    public static AuditRecord ReadV1Record(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(9), reader.GetString(10), reader.GetString(11))
        {
            Columns = new AuditIndexColumns(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                PostgresValues.ReadOptionalText(reader, 4),
                PostgresValues.ReadOptionalText(reader, 5),
                PostgresValues.ReadOptionalText(reader, 6),
                PostgresValues.ReadOptionalText(reader, 7),
                PostgresValues.ReadOptionalText(reader, 8)),
        };
}
