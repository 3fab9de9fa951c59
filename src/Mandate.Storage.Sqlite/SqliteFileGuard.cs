using Mandate.Core.Storage;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Notices that the database file or its WAL was deleted or replaced under the running store. SQLite keeps
/// writing to the file it has open, so without this check commits would go on "succeeding" into an
/// unlinked file that nobody will ever read again: credentials issued without a durable record. The file
/// at the path is compared (device and inode) with the one opened first, before every write; once they
/// differ, the store refuses every write and read until it is opened again.
/// </summary>
internal sealed class SqliteFileGuard
{
    private readonly string _databasePath;
    private readonly string _walPath;
    private FileIdentity? _database;
    private FileIdentity? _wal;

    public SqliteFileGuard(string databasePath, string walPath)
    {
        _databasePath = databasePath;
        _walPath = walPath;
    }

    /// <summary>Why the store stopped for good, once it did.</summary>
    public StoreUnavailableException? Lost { get; private set; }

    /// <summary>
    /// After the writer connection opened: the first open pins the database's identity; a reopen must find
    /// the same file. The WAL's identity is taken per connection (SQLite removes the WAL when the last
    /// connection closes, and a reopened writer starts a new one).
    /// </summary>
    public void Opened(string description)
    {
        var database = FileIdentity.Of(_databasePath);
        _database ??= database;
        _wal = FileIdentity.Of(_walPath);
        if (database != _database)
        {
            Stop(description, "the database file");
        }
    }

    /// <summary>Only the WAL went: the database file at the path is still the open one, so what the open WAL holds can be checkpointed into it.</summary>
    public bool OnlyWalLost { get; private set; }

    /// <summary>Before a write: the files at the paths are still the ones the writer has open; otherwise the refusal.</summary>
    public StoreUnavailableException? Check(string description)
    {
        if (Lost is not null)
        {
            return Lost;
        }

        if (_database is not { } pinned)
        {
            // The platform cannot tell identities apart (Windows, which refuses to delete an open file anyway).
            return null;
        }

        if (FileIdentity.Of(_databasePath) != pinned)
        {
            return Stop(description, "the database file");
        }

        var wal = FileIdentity.Of(_walPath);
        if (_wal is null)
        {
            _wal = wal;
        }
        else if (wal != _wal)
        {
            OnlyWalLost = true;
            return Stop(description, "its write-ahead log " + _walPath);
        }

        return null;
    }

    private StoreUnavailableException Stop(string description, string what)
    {
        Lost = SqliteErrors.Unavailable(
            description,
            "write",
            StoreFailureCause.FileDeletedOrReplaced,
            $"{what} was deleted or replaced while the broker was running, so a commit would not reach the file at that path",
            "Nothing more is written or issued until the broker is restarted: put the original file back, or restore the store from a "
            + "backup (starting with an empty store needs --init-new-store).");
        return Lost;
    }
}
