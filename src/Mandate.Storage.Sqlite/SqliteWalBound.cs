using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Keeps the write-ahead log bounded. SQLite checkpoints on its own (<c>wal_autocheckpoint</c>), but a
/// checkpoint cannot pass a reader's snapshot, so a long reader lets the WAL grow with every commit; and a
/// WAL restarts at its beginning without giving disk space back unless told to. After a commit that left
/// the WAL over its limit this tries a non-blocking checkpoint: if frames stay behind, checkpoints are
/// blocked (reported once); once they all pass, the WAL is truncated to zero and the clearing reported.
/// </summary>
internal sealed class SqliteWalBound
{
    // While over the limit, retry the checkpoint every this many commits, not on every one: a blocked
    // checkpoint still copies what it can, which is I/O the commit path should not pay each time.
    private const int CommitsBetweenAttempts = 16;

    private readonly string _walPath;
    private readonly long _limitBytes;
    private readonly StoreHealth? _health;
    private int _commitsSinceAttempt = CommitsBetweenAttempts;
    private bool _blocked;

    public SqliteWalBound(string walPath, long limitBytes, StoreHealth? health)
    {
        _walPath = walPath;
        _limitBytes = limitBytes;
        _health = health;
    }

    /// <summary>Checkpoints are currently blocked (seen at the last attempt).</summary>
    public bool Blocked => _blocked;

    /// <summary>Runs on the writer, under the store's write lock, after a successful commit. Never throws for a checkpoint that cannot run.</summary>
    public async Task AfterCommitAsync(SqliteConnection writer, string busyTimeout, CancellationToken cancellationToken)
    {
        var walBytes = WalBytes();
        if (walBytes <= _limitBytes && !_blocked)
        {
            _commitsSinceAttempt = CommitsBetweenAttempts;
            return;
        }

        if (++_commitsSinceAttempt < CommitsBetweenAttempts)
        {
            return;
        }

        _commitsSinceAttempt = 0;
        try
        {
            var (busy, frames, copied) = await CheckpointAsync(writer, "PASSIVE", cancellationToken);
            if (busy != 0 || copied < frames)
            {
                SetBlocked(true, walBytes);
                return;
            }

            // Every frame is in the database: restart the WAL at zero bytes. Without waiting: a reader that
            // still holds the WAL open only postpones this to the next attempt.
            await SqliteConnectionFactory.ExecuteAsync(writer, "PRAGMA busy_timeout = 0;", cancellationToken);
            try
            {
                (busy, _, _) = await CheckpointAsync(writer, "TRUNCATE", cancellationToken);
            }
            finally
            {
                await SqliteConnectionFactory.ExecuteAsync(writer, $"PRAGMA busy_timeout = {busyTimeout};", cancellationToken);
            }

            if (busy == 0)
            {
                SetBlocked(false, WalBytes());
            }
        }
        catch (SqliteException)
        {
            // E.g. the database file itself cannot be written: the WAL cannot shrink, so say so.
            SetBlocked(true, walBytes);
        }
    }

    private void SetBlocked(bool blocked, long walBytes)
    {
        _blocked = blocked;
        _health?.ReportCheckpoint(blocked, walBytes);
    }

    private long WalBytes() => FileStatus.SizeOf(_walPath);

    private static async Task<(long Busy, long Frames, long Copied)> CheckpointAsync(
        SqliteConnection connection, string mode, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (1, 0, 0);
        }

        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
