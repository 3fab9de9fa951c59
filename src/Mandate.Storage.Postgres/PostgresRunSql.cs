using System.Text.Json;
using Mandate.Core.Runs;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>The runs table.</summary>
internal static class PostgresRunSql
{
    private const string Columns = """
        id, parent_id, lineage, depth, max_depth, agent, tenant, "user", user_issuer, actors, envelope,
        started_at, expires_at, ended_at, ended_by, end_reason, decision_id, policy_version, node
        """;

    // A run's facts are fixed when it starts; a later write can only end it.
    private const string Upsert = $"""
        INSERT INTO runs ({Columns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
        ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, ended_by = excluded.ended_by, end_reason = excluded.end_reason;
        """;

    public static NpgsqlBatchCommand UpsertCommand(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return PostgresValues.BatchCommand(
            Upsert,
            PostgresValues.Text(run.Id),
            PostgresValues.Text(run.ParentId),
            PostgresValues.Text(run.Lineage),
            PostgresValues.Integer(run.Depth),
            PostgresValues.Integer(run.MaxDepth),
            PostgresValues.Text(run.Agent),
            PostgresValues.Text(run.Tenant),
            PostgresValues.Text(run.User),
            PostgresValues.Text(run.UserIssuer),
            PostgresValues.Text(JsonSerializer.Serialize(run.Actors)),
            PostgresValues.Text(run.Envelope?.ToJson()),
            PostgresValues.Time(run.StartedAt),
            PostgresValues.Time(run.ExpiresAt),
            PostgresValues.Time(run.EndedAt),
            PostgresValues.Text(run.EndedBy),
            PostgresValues.Text(run.EndReason),
            PostgresValues.Text(run.DecisionId),
            PostgresValues.Text(run.PolicyVersion),
            PostgresValues.Text(run.Node));
    }

    public static async Task<RunRecord?> GetAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(connection, $"SELECT {Columns} FROM runs WHERE id = $1;", PostgresValues.Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public static async Task<IReadOnlyList<RunRecord>> ListAsync(NpgsqlConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string>();
        string Parameter(NpgsqlParameter parameter)
        {
            command.Parameters.Add(parameter);
            return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        void Filter(string column, string? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = {Parameter(PostgresValues.Text(value))}");
            }
        }

        Filter("agent", query.Agent);
        Filter("tenant", query.Tenant);
        Filter("\"user\"", query.User);
        if (query.SubtreeOf is not null)
        {
            // The run itself, and every run whose lineage continues below it (a literal prefix, no LIKE wildcards).
            var subtree = Parameter(PostgresValues.Text(query.SubtreeOf));
            where.Add($"(id = {subtree} OR starts_with(lineage, (SELECT lineage FROM runs WHERE id = {subtree}) || '/'))");
        }

        if (query.OpenOnly)
        {
            where.Add("ended_at IS NULL");
        }

        command.CommandText = $"SELECT {Columns} FROM runs"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY started_at DESC, id"
            + (query.Limit > 0 ? $" LIMIT {Parameter(PostgresValues.Integer(query.Limit))}" : "") + ";";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(Read(reader));
        }

        return runs;
    }

    private static RunRecord Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        ParentId = PostgresValues.ReadOptionalText(r, 1),
        Lineage = r.GetString(2),
        Depth = r.GetInt32(3),
        MaxDepth = r.GetInt32(4),
        Agent = r.GetString(5),
        Tenant = r.GetString(6),
        User = PostgresValues.ReadOptionalText(r, 7),
        UserIssuer = PostgresValues.ReadOptionalText(r, 8),
        Actors = JsonSerializer.Deserialize<string[]>(r.GetString(9)) ?? [],
        Envelope = RunEnvelope.FromJson(r.GetString(10)),
        StartedAt = PostgresValues.ReadTime(r, 11),
        ExpiresAt = PostgresValues.ReadTime(r, 12),
        EndedAt = PostgresValues.ReadOptionalTime(r, 13),
        EndedBy = PostgresValues.ReadOptionalText(r, 14),
        EndReason = PostgresValues.ReadOptionalText(r, 15),
        DecisionId = r.GetString(16),
        PolicyVersion = r.GetString(17),
        Node = r.GetString(18),
    };
}
