using Mandate.Core.Storage;

namespace Mandate.Storage.Sqlite;

/// <summary>Settings for <see cref="SqliteMandateStore"/>.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>
    /// The database file. Relative paths resolve against the working directory. The file and its directory
    /// are created on first write; the <c>-wal</c> and <c>-shm</c> files live beside it.
    /// </summary>
    public required string FilePath { get; init; }

    /// <summary>
    /// How long a write waits for another connection's lock before failing with
    /// <see cref="Core.Storage.StoreUnavailableException"/>. Default 5 seconds. Values under one second
    /// still wait about one second, because the driver keeps retrying a busy statement for at least its
    /// one-second command timeout.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Open for reading only (<c>Mode=ReadOnly</c>): nothing is created, migrated or written, and another
    /// process's write lock does not get in the way. For offline commands such as <c>mandate audit verify</c>.
    /// Default false.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// The size, in bytes, the write-ahead log is brought back under once a checkpoint can run (SQLite's
    /// <c>journal_size_limit</c>); above it the store checks whether checkpoints are blocked, e.g. by a long
    /// reader, and reports that through <see cref="Health"/>. Default 64 MiB.
    /// </summary>
    public long WalSizeLimitBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Receives the outcome of every write and checkpoint, so outages are logged once per transition. Optional.</summary>
    public StoreHealth? Health { get; init; }
}
