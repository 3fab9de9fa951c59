using System.Text.Json;
using Mandate.Core.Runs;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Reads and writes the runs table.</summary>
internal static class SqliteRunStore
{
    private const string Columns = """
        id, parent_id, lineage, depth, max_depth, agent, tenant, "user", user_issuer, actors, envelope,
        started_at, expires_at, ended_at, ended_by, end_reason, decision_id, policy_version, node
        """;

    public static async Task WriteAsync(SqliteConnection connection, RunRecord run, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO runs ({Columns})
            VALUES ($id, $parent, $lineage, $depth, $maxDepth, $agent, $tenant, $user, $userIssuer, $actors, $envelope,
                    $startedAt, $expiresAt, $endedAt, $endedBy, $endReason, $decision, $policy, $node)
            ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, ended_by = excluded.ended_by, end_reason = excluded.end_reason;
            """;
        var p = command.Parameters;
        p.AddWithValue("$id", run.Id);
        p.AddWithValue("$parent", SqliteValues.Nullable(run.ParentId));
        p.AddWithValue("$lineage", run.Lineage);
        p.AddWithValue("$depth", run.Depth);
        p.AddWithValue("$maxDepth", run.MaxDepth);
        p.AddWithValue("$agent", run.Agent);
        p.AddWithValue("$tenant", run.Tenant);
        p.AddWithValue("$user", SqliteValues.Nullable(run.User));
        p.AddWithValue("$userIssuer", SqliteValues.Nullable(run.UserIssuer));
        p.AddWithValue("$actors", JsonSerializer.Serialize(run.Actors));
        p.AddWithValue("$envelope", run.Envelope.ToJson());
        p.AddWithValue("$startedAt", SqliteValues.Time(run.StartedAt));
        p.AddWithValue("$expiresAt", SqliteValues.Time(run.ExpiresAt));
        p.AddWithValue("$endedAt", SqliteValues.Time(run.EndedAt));
        p.AddWithValue("$endedBy", SqliteValues.Nullable(run.EndedBy));
        p.AddWithValue("$endReason", SqliteValues.Nullable(run.EndReason));
        p.AddWithValue("$decision", run.DecisionId);
        p.AddWithValue("$policy", run.PolicyVersion);
        p.AddWithValue("$node", run.Node);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<RunRecord>> ListAsync(SqliteConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string column, string? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = ${column.Trim('"')}");
                command.Parameters.AddWithValue("$" + column.Trim('"'), value);
            }
        }

        Filter("agent", query.Agent);
        Filter("tenant", query.Tenant);
        Filter("\"user\"", query.User);
        if (query.SubtreeOf is not null)
        {
            // The run itself, and every run whose lineage continues below it: a literal, case-sensitive prefix (LIKE would
            // read the '_' of every run id as a wildcard and ignore case). Binary order puts exactly those lineages from
            // "lineage/" up to, not including, "lineage0" ('0' follows '/'), which the lineage index serves.
            where.Add("""
                (id = $subtree OR (lineage >= (SELECT lineage || '/' FROM runs WHERE id = $subtree)
                               AND lineage < (SELECT lineage || '0' FROM runs WHERE id = $subtree)))
                """);
            command.Parameters.AddWithValue("$subtree", query.SubtreeOf);
        }

        if (query.OpenOnly)
        {
            where.Add("ended_at IS NULL");
        }

        command.CommandText = $"SELECT {Columns} FROM runs"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY started_at DESC, id"
            + (query.Limit > 0 ? $" LIMIT {query.Limit}" : "") + ";";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(Read(reader));
        }

        return runs;
    }

    public static async Task<RunRecord?> GetAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM runs WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static RunRecord Read(SqliteDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new RunRecord
        {
            Id = r.GetString(0),
            ParentId = S(1),
            Lineage = r.GetString(2),
            Depth = r.GetInt32(3),
            MaxDepth = r.GetInt32(4),
            Agent = r.GetString(5),
            Tenant = r.GetString(6),
            User = S(7),
            UserIssuer = S(8),
            Actors = JsonSerializer.Deserialize<string[]>(r.GetString(9)) ?? [],
            Envelope = RunEnvelope.FromJson(r.GetString(10)),
            StartedAt = SqliteValues.ParseTime(r.GetString(11)),
            ExpiresAt = SqliteValues.ParseTime(r.GetString(12)),
            EndedAt = S(13) is { } ended ? SqliteValues.ParseTime(ended) : null,
            EndedBy = S(14),
            EndReason = S(15),
            DecisionId = r.GetString(16),
            PolicyVersion = r.GetString(17),
            Node = r.GetString(18),
        };
    }
}
