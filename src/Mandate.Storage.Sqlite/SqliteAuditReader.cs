using System.Runtime.CompilerServices;
using System.Text;
using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Streams audit records for a query, on its own read connection, in sequence order.</summary>
internal static class SqliteAuditReader
{
    private const string Select = """
        SELECT seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash FROM audit
        """;

    public static async IAsyncEnumerable<AuditRecord> ReadAsync(
        SqliteConnectionFactory connections,
        string description,
        AuditQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);

        // C# forbids yield inside try/catch, so each driver call that can fail is wrapped on its own.
        await using var connection = await Guard(description, () => connections.OpenReaderAsync(cancellationToken));
        await using var command = connection.CreateCommand();
        Build(command, query);
        await using var reader = await Guard(description, () => command.ExecuteReaderAsync(cancellationToken));
        while (await Guard(description, () => reader.ReadAsync(cancellationToken)))
        {
            yield return ReadRecord(reader);
        }
    }

    internal static void Build(SqliteCommand command, AuditQuery query)
    {
        var sql = new StringBuilder(Select);
        var conditions = new List<string>();
        AddEquals(command, conditions, "agent", query.Agent);
        AddEquals(command, conditions, "tenant", query.Tenant);
        AddEquals(command, conditions, "\"user\"", query.User, "$user");
        AddEquals(command, conditions, "run", query.Run);
        AddEquals(command, conditions, "jti", query.Jti);
        AddEquals(command, conditions, "kind", query.Kind);
        if (query.Since is { } since)
        {
            conditions.Add("time >= $since");
            command.Parameters.AddWithValue("$since", SqliteValues.Time(since));
        }

        if (query.Until is { } until)
        {
            conditions.Add("time < $until");
            command.Parameters.AddWithValue("$until", SqliteValues.Time(until));
        }

        if (query.AfterSequence > 0)
        {
            conditions.Add("seq > $after");
            command.Parameters.AddWithValue("$after", query.AfterSequence);
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" ORDER BY seq");
        if (query.Limit > 0)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", query.Limit);
        }

        command.CommandText = sql.Append(';').ToString();
    }

    private static void AddEquals(SqliteCommand command, List<string> conditions, string column, string? value, string? parameter = null)
    {
        if (value is null)
        {
            return;
        }

        parameter ??= "$" + column;
        conditions.Add($"{column} = {parameter}");
        command.Parameters.AddWithValue(parameter, value);
    }

    private static AuditRecord ReadRecord(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(9), reader.GetString(10), reader.GetString(11))
        {
            Columns = new AuditIndexColumns(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                OptionalString(reader, 4),
                OptionalString(reader, 5),
                OptionalString(reader, 6),
                OptionalString(reader, 7),
                OptionalString(reader, 8)),
        };

    private static string? OptionalString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static async Task<T> Guard<T>(string description, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (SqliteErrors.IsStoreFailure(ex))
        {
            throw SqliteErrors.Unavailable(description, "read the audit log", ex);
        }
    }
}
