using System.Text;
using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// The SQL of one <see cref="AuditQuery"/> against one audit table: each filter on the column (or expression) that
/// table keeps it in, then sequence order (descending for newest first) and the limit.
/// </summary>
internal sealed record SqliteAuditColumns(string Agent, string Tenant, string User, string Run, string Jti, string Kind, string TraceId, string Time, string Seq);

internal static class SqliteAuditFilter
{
    public static void Build(SqliteCommand command, string select, SqliteAuditColumns columns, AuditQuery query, Func<DateTimeOffset, object> time)
    {
        var sql = new StringBuilder(select);
        var conditions = new List<string>();
        void Add(string column, object? value)
        {
            if (value is not null)
            {
                var parameter = "$p" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                conditions.Add(column.Replace("@", parameter, StringComparison.Ordinal));
                command.Parameters.AddWithValue(parameter, value);
            }
        }

        Add(columns.Agent + " = @", query.Agent);
        Add(columns.Tenant + " = @", query.Tenant);
        Add(columns.User + " = @", query.User);
        Add(columns.Run + " = @", query.Run);
        Add(columns.Jti + " = @", query.Jti);
        Add(columns.Kind + " = @", query.Kind);
        Add(columns.TraceId + " = @", query.TraceId);
        Add(columns.Time + " >= @", query.Since is { } since ? time(since) : null);
        Add(columns.Time + " < @", query.Until is { } until ? time(until) : null);
        Add(columns.Seq + " > @", query.AfterSequence > 0 ? query.AfterSequence : null);
        Add(columns.Seq + " < @", query.BeforeSequence > 0 ? query.BeforeSequence : null);
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY ").Append(columns.Seq).Append(query.NewestFirst ? " DESC" : "");
        if (query.Limit > 0)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", query.Limit);
        }

        command.CommandText = sql.Append(';').ToString();
    }
}
