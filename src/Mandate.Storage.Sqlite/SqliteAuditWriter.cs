using System.Runtime.CompilerServices;
using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Appends chained audit records in the compact form (<see cref="AuditCompactForm"/>): each record's shape is
/// found or added once, then the record row references it. Runs inside the caller's write transaction.
/// </summary>
internal static class SqliteAuditWriter
{
    private const string FindShapeSql = "SELECT id FROM audit_shapes WHERE key = $key;";

    private const string InsertShapeSql = """
        INSERT INTO audit_shapes (key, kind, outcome, agent, tenant, body, own_keys)
        VALUES ($key, $kind, $outcome, $agent, $tenant, $body, $ownKeys) RETURNING id;
        """;

    private const string TailSql = """
        SELECT seq, hash FROM audit WHERE seq = (SELECT max(seq) FROM audit)
        UNION ALL SELECT seq, unhex(hash) FROM audit_v1 WHERE seq = (SELECT max(seq) FROM audit_v1)
        UNION ALL SELECT seq, hash FROM audit_anchors WHERE seq = (SELECT max(seq) FROM audit_anchors)
        ORDER BY seq DESC LIMIT 1;
        """;

    private const string InsertRecordSql = """
        INSERT INTO audit (seq, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash)
        VALUES ($seq, $time, $shape, $user, $run, $jti, $decisionId, $traceId, $evidence, $prevHash, $hash);
        """;

    /// <summary>
    /// The last record of the chain, in either table (the compact one holds the newest when it has any), or the newest
    /// prune anchor when every record up to it was pruned.
    /// </summary>
    public static async Task<AuditTail> ReadTailAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var command = Statements.Of(connection).Tail(transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditTail(reader.GetInt64(0), Convert.ToHexStringLower((byte[])reader.GetValue(1)))
            : AuditTail.Genesis;
    }

    public static async Task WriteAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        IReadOnlyList<EncodedAuditEvent> events,
        IReadOnlyList<AuditRecord> records,
        CancellationToken cancellationToken)
    {
        var statements = Statements.Of(connection);
        var insert = statements.InsertRecord(transaction);
        var shapes = new Dictionary<AuditShape, long>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var compact = events[i].Compact;
            if (!shapes.TryGetValue(compact.Shape, out var shape))
            {
                shape = await ShapeIdAsync(statements, transaction, compact.Shape, cancellationToken);
                shapes[compact.Shape] = shape;
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

    private static async Task<long> ShapeIdAsync(Statements statements, SqliteTransaction transaction, AuditShape shape, CancellationToken cancellationToken)
    {
        var find = statements.FindShape(transaction);
        find.Parameters["$key"].Value = shape.Key;
        if (await find.ExecuteScalarAsync(cancellationToken) is long existing)
        {
            return existing;
        }

        var insert = statements.InsertShape(transaction);
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

    /// <summary>
    /// The audit's statements on one writer connection, prepared once and rebound per record: every group commit
    /// runs them, and preparing (parsing and planning the SQL) again each time was a visible share of a commit.
    /// They live as long as the connection (closing it finalizes them) and are only used under the store's write lock.
    /// </summary>
    private sealed class Statements
    {
        private static readonly ConditionalWeakTable<SqliteConnection, Statements> ByConnection = [];

        private readonly SqliteConnection _connection;
        private SqliteCommand? _tail;
        private SqliteCommand? _findShape;
        private SqliteCommand? _insertShape;
        private SqliteCommand? _insertRecord;

        private Statements(SqliteConnection connection) => _connection = connection;

        public static Statements Of(SqliteConnection connection) => ByConnection.GetValue(connection, c => new Statements(c));

        public SqliteCommand Tail(SqliteTransaction transaction) => In(transaction, ref _tail, TailSql);

        public SqliteCommand FindShape(SqliteTransaction transaction) => In(transaction, ref _findShape, FindShapeSql, "$key");

        public SqliteCommand InsertShape(SqliteTransaction transaction) =>
            In(transaction, ref _insertShape, InsertShapeSql, "$key", "$kind", "$outcome", "$agent", "$tenant", "$body", "$ownKeys");

        public SqliteCommand InsertRecord(SqliteTransaction transaction) =>
            In(transaction, ref _insertRecord, InsertRecordSql,
                "$seq", "$time", "$shape", "$user", "$run", "$jti", "$decisionId", "$traceId", "$evidence", "$prevHash", "$hash");

        private SqliteCommand In(SqliteTransaction transaction, ref SqliteCommand? command, string sql, params ReadOnlySpan<string> parameters)
        {
            command ??= Command(_connection, sql, parameters);
            command.Transaction = transaction;
            return command;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameters)
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
