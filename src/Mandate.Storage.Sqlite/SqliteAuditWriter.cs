using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Appends chained audit records in the compact form (<see cref="AuditCompactForm"/>): each record's shape is
/// found or added once, then the record row references it. Runs inside the caller's write transaction.
/// </summary>
internal static class SqliteAuditWriter
{
    private const string FindShape = "SELECT id FROM audit_shapes WHERE key = $key;";

    private const string InsertShape = """
        INSERT INTO audit_shapes (key, kind, outcome, agent, tenant, body, own_keys)
        VALUES ($key, $kind, $outcome, $agent, $tenant, $body, $ownKeys) RETURNING id;
        """;

    private const string InsertRecord = """
        INSERT INTO audit (seq, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash)
        VALUES ($seq, $time, $shape, $user, $run, $jti, $decisionId, $traceId, $evidence, $prevHash, $hash);
        """;

    /// <summary>
    /// The last record of the chain, in either table (the compact one holds the newest when it has any), or the newest
    /// prune anchor when every record up to it was pruned.
    /// </summary>
    public static async Task<AuditTail> ReadTailAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, hash FROM audit WHERE seq = (SELECT max(seq) FROM audit)
            UNION ALL SELECT seq, unhex(hash) FROM audit_v1 WHERE seq = (SELECT max(seq) FROM audit_v1)
            UNION ALL SELECT seq, hash FROM audit_anchors WHERE seq = (SELECT max(seq) FROM audit_anchors)
            ORDER BY seq DESC LIMIT 1;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditTail(reader.GetInt64(0), Convert.ToHexStringLower((byte[])reader.GetValue(1)))
            : AuditTail.Genesis;
    }

    public static async Task WriteAsync(
        SqliteConnection connection, IReadOnlyList<EncodedAuditEvent> events, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        // One command per statement for the whole batch: each is prepared once and rebound per record.
        await using var find = Command(connection, FindShape, "$key");
        await using var insertShape = Command(connection, InsertShape, "$key", "$kind", "$outcome", "$agent", "$tenant", "$body", "$ownKeys");
        await using var insert = Command(
            connection, InsertRecord, "$seq", "$time", "$shape", "$user", "$run", "$jti", "$decisionId", "$traceId", "$evidence", "$prevHash", "$hash");
        var shapes = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var compact = events[i].Compact;
            var shapeKey = Convert.ToHexString(compact.Shape.Key);
            if (!shapes.TryGetValue(shapeKey, out var shape))
            {
                shape = await ShapeIdAsync(find, insertShape, compact.Shape, cancellationToken);
                shapes[shapeKey] = shape;
            }

            var p = insert.Parameters;
            p["$seq"].Value = record.Sequence;
            p["$time"].Value = compact.Time.UtcTicks;
            p["$shape"].Value = shape;
            p["$user"].Value = SqliteValues.Nullable(compact.User);
            p["$run"].Value = SqliteValues.Nullable(compact.Run);
            p["$jti"].Value = SqliteValues.Nullable(compact.Jti);
            p["$decisionId"].Value = SqliteValues.Nullable(compact.DecisionId);
            p["$traceId"].Value = SqliteValues.Nullable(compact.TraceId);
            p["$evidence"].Value = SqliteValues.Nullable(compact.OwnValues);
            p["$prevHash"].Value = Convert.FromHexString(record.PreviousHash);
            p["$hash"].Value = Convert.FromHexString(record.Hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<long> ShapeIdAsync(SqliteCommand find, SqliteCommand insert, AuditShape shape, CancellationToken cancellationToken)
    {
        find.Parameters["$key"].Value = shape.Key;
        if (await find.ExecuteScalarAsync(cancellationToken) is long existing)
        {
            return existing;
        }

        var p = insert.Parameters;
        p["$key"].Value = shape.Key;
        p["$kind"].Value = shape.Kind;
        p["$outcome"].Value = shape.Outcome;
        p["$agent"].Value = SqliteValues.Nullable(shape.Agent);
        p["$tenant"].Value = SqliteValues.Nullable(shape.Tenant);
        p["$body"].Value = shape.Body;
        p["$ownKeys"].Value = SqliteValues.Nullable(shape.OwnKeys);
        return (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
