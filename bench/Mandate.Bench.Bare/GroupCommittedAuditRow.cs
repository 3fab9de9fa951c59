using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Mandate.Bench.Bare;

/// <summary>
/// The floor's durable audit (<c>--AuditDb</c>): one hash-chained row per exchange in SQLite (WAL, an fsync per
/// commit), group-committed by one thread, and the response waits for it. Nothing else the broker's audit does
/// (no compact shapes, no index: this endpoint's jti is fully random and an index on it would cost a random page
/// write per row), so "bare + audit" is what a minimal durable audit costs on this machine.
/// </summary>
internal sealed class GroupCommittedAuditRow : IDisposable
{
    private readonly Channel<(string Jti, string Payload, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(string, string, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Thread _thread;
    private byte[] _tail = new byte[32];

    public GroupCommittedAuditRow(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
        Execute("CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, jti TEXT NOT NULL, payload TEXT NOT NULL, hash BLOB NOT NULL);");
        _thread = new Thread(CommitLoop) { IsBackground = true, Name = "bare audit commit" };
        _thread.Start();
    }

    /// <summary>Completes when the row is durable.</summary>
    public Task WriteAsync(string jti, string payload)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite((jti, payload, done));
        return done.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
        _connection.Dispose();
    }

    private void CommitLoop()
    {
        var group = new List<(string Jti, string Payload, TaskCompletionSource Done)>();
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO audit (time, jti, payload, hash) VALUES ($time, $jti, $payload, $hash);";
        var time = insert.Parameters.Add("$time", SqliteType.Integer);
        var jti = insert.Parameters.Add("$jti", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        var hash = insert.Parameters.Add("$hash", SqliteType.Blob);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_queue.Reader.TryRead(out var write))
            {
                group.Add(write);
            }

            using (var transaction = _connection.BeginTransaction())
            {
                insert.Transaction = transaction;
                foreach (var write in group)
                {
                    _tail = SHA256.HashData([.. _tail, .. Encoding.UTF8.GetBytes(write.Payload)]);
                    time.Value = DateTime.UtcNow.Ticks;
                    jti.Value = write.Jti;
                    payload.Value = write.Payload;
                    hash.Value = _tail;
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            foreach (var write in group)
            {
                write.Done.SetResult();
            }

            group.Clear();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
