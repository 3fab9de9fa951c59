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
}
