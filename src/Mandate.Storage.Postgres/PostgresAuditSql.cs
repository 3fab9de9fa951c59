using System.Text;
using Mandate.Core.Audit;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>The audit table: the tail, the batch insert of chained records, and the query behind <see cref="AuditQuery"/>.</summary>
internal static class PostgresAuditSql
{
    public const string ReadTail = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;";

    private const string Select = """
        SELECT seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash FROM audit
        """;

    // One statement for the whole batch, however many records: the arrays are unnested row by row.
    private const string Insert = """
        INSERT INTO audit (seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                             $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]);
        """;

    /// <summary>Inserts <paramref name="records"/>, chained from <paramref name="events"/>, with their index columns.</summary>
    public static NpgsqlBatchCommand InsertCommand(IReadOnlyList<AuditEvent> events, IReadOnlyList<AuditRecord> records)
    {
        var n = records.Count;
        var seq = new long[n];
        var time = new string?[n];
        var kind = new string?[n];
        var outcome = new string?[n];
        var agent = new string?[n];
        var tenant = new string?[n];
        var user = new string?[n];
        var run = new string?[n];
        var jti = new string?[n];
        var payload = new string?[n];
        var previous = new string?[n];
        var hash = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var columns = AuditIndexColumns.From(events[i]);
            seq[i] = records[i].Sequence;
            time[i] = columns.Time;
            kind[i] = columns.Kind;
            outcome[i] = columns.Outcome;
            agent[i] = columns.Agent;
            tenant[i] = columns.Tenant;
            user[i] = columns.User;
            run[i] = columns.Run;
            jti[i] = columns.Jti;
            payload[i] = records[i].Payload;
            previous[i] = records[i].PreviousHash;
            hash[i] = records[i].Hash;
        }

        return PostgresValues.BatchCommand(
            Insert,
            PostgresValues.BigintArray(seq),
            PostgresValues.TextArray(time),
            PostgresValues.TextArray(kind),
            PostgresValues.TextArray(outcome),
            PostgresValues.TextArray(agent),
            PostgresValues.TextArray(tenant),
            PostgresValues.TextArray(user),
            PostgresValues.TextArray(run),
            PostgresValues.TextArray(jti),
            PostgresValues.TextArray(payload),
            PostgresValues.TextArray(previous),
            PostgresValues.TextArray(hash));
    }

    public static NpgsqlCommand QueryCommand(NpgsqlConnection connection, AuditQuery query)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder(Select);
        var conditions = new List<string>();
        void Add(string condition, NpgsqlParameter parameter)
        {
            command.Parameters.Add(parameter);
            conditions.Add(condition.Replace("@", "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                Add($"{column} = @", PostgresValues.Text(value));
            }
        }

        Equal("agent", query.Agent);
        Equal("tenant", query.Tenant);
        Equal("\"user\"", query.User);
        Equal("run", query.Run);
        Equal("jti", query.Jti);
        Equal("kind", query.Kind);
        Equal("payload::jsonb ->> 'trace_id'", query.TraceId);

        // Fixed-width UTC text in the "C" collation orders like the instants it names.
        if (query.Since is { } since)
        {
            Add("time >= @", PostgresValues.Text(AuditCanonicalJson.FormatTime(since)));
        }

        if (query.Until is { } until)
        {
            Add("time < @", PostgresValues.Text(AuditCanonicalJson.FormatTime(until)));
        }

        if (query.AfterSequence > 0)
        {
            Add("seq > @", PostgresValues.Bigint(query.AfterSequence));
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY seq");
        if (query.Limit > 0)
        {
            command.Parameters.Add(PostgresValues.Bigint(query.Limit));
            sql.Append(" LIMIT $").Append(command.Parameters.Count);
        }

        command.CommandText = sql.Append(';').ToString();
        return command;
    }

    public static AuditRecord ReadRecord(NpgsqlDataReader reader) =>
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
