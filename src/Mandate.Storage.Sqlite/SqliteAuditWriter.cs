using System.Runtime.CompilerServices;
using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    // Bound by position (RecordInsert): ?1 to ?11 in this order.
    private const string InsertRecordSql = """
        INSERT INTO audit (seq, time, shape, "user", run, jti, decision_id, trace_id, evidence, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);
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
        var insert = statements.InsertRecord();
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

            insert.Execute(record, compact, shape);
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
        private RecordInsert? _insertRecord;

        private Statements(SqliteConnection connection)
        {
            _connection = connection;
            // Finalized with the connection, as its commands' statements are: SQLite closes a database only once
            // every statement on it is finalized.
            connection.StateChange += (_, change) =>
            {
                if (change.CurrentState == System.Data.ConnectionState.Closed)
                {
                    _insertRecord?.Dispose();
                    _insertRecord = null;
                }
            };
        }

        public static Statements Of(SqliteConnection connection) => ByConnection.GetValue(connection, c => new Statements(c));

        public SqliteCommand Tail(SqliteTransaction transaction) => In(transaction, ref _tail, TailSql);

        public SqliteCommand FindShape(SqliteTransaction transaction) => In(transaction, ref _findShape, FindShapeSql, "$key");

        public SqliteCommand InsertShape(SqliteTransaction transaction) =>
            In(transaction, ref _insertShape, InsertShapeSql, "$key", "$kind", "$outcome", "$agent", "$tenant", "$body", "$ownKeys");

        /// <summary>Runs inside the connection's open transaction, as the commands do.</summary>
        public RecordInsert InsertRecord() => _insertRecord ??= new RecordInsert(_connection);

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

    /// <summary>
    /// The record insert, the statement every exchange runs: prepared once on the connection's handle and bound by
    /// position. Through a command, Microsoft.Data.Sqlite looks each parameter's index up by name, a native call per
    /// parameter, and allocates a binder per parameter, on every execution.
    /// </summary>
    private sealed class RecordInsert : IDisposable
    {
        private const int HashBytes = 32;
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public RecordInsert(SqliteConnection connection)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("the audit writer's connection is not open");
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, InsertRecordSql, out _statement), _db);
        }

        public void Execute(AuditRecord record, AuditCompactForm compact, long shape)
        {
            try
            {
                Check(raw.sqlite3_bind_int64(_statement, 1, record.Sequence));
                Check(raw.sqlite3_bind_int64(_statement, 2, compact.Time.UtcTicks));
                Check(raw.sqlite3_bind_int64(_statement, 3, shape));
                BindText(4, compact.User);
                BindText(5, compact.Run);
                BindText(6, compact.Jti);
                BindText(7, compact.DecisionId);
                BindText(8, compact.TraceId);
                BindText(9, compact.OwnValues);
                BindHash(10, record.PreviousHash);
                BindHash(11, record.Hash);
                var done = raw.sqlite3_step(_statement);
                if (done != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(done, _db);
                }
            }
            finally
            {
                // Ready for the next record, and no transaction held open by an unfinished statement.
                raw.sqlite3_reset(_statement);
            }
        }

        public void Dispose() => _statement.Dispose();

        private void BindText(int index, string? value) =>
            Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

        private void BindHash(int index, string hex)
        {
            Span<byte> hash = stackalloc byte[HashBytes];
            if (Convert.FromHexString(hex, hash, out _, out var written) != System.Buffers.OperationStatus.Done || written != HashBytes)
            {
                throw new InvalidOperationException("an audit hash is not 32 bytes of hex");
            }

            Check(raw.sqlite3_bind_blob(_statement, index, hash));
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
    }
}
