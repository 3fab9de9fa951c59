namespace Mandate.Core.Storage;

/// <summary>Why the store could not make a write durable, in terms an operator acts on.</summary>
public enum StoreFailureCause
{
    /// <summary>Not classified; the exception message says more.</summary>
    Unknown,

    /// <summary>Another connection or process held the write lock past the busy timeout.</summary>
    Locked,

    /// <summary>The database, its WAL or its folder cannot be written.</summary>
    ReadOnly,

    /// <summary>The disk (or a size limit) is full.</summary>
    DiskFull,

    /// <summary>The disk reported an I/O error.</summary>
    IoError,

    /// <summary>The database file (or its WAL) was deleted, or another file was put in its place, while the broker ran.</summary>
    FileDeletedOrReplaced,

    /// <summary>The file is damaged or is not a database.</summary>
    Damaged,

    /// <summary>
    /// The database cannot be opened as configured: a file that cannot be opened, a PostgreSQL server that refuses the
    /// credentials or names no such database. A set-up error: it does not pass by itself.
    /// </summary>
    CannotOpen,

    /// <summary>
    /// The database is up but refused what the batch holds (a constraint, or a value it cannot store). Not an
    /// outage: only that batch fails; the other requests of a shared group commit are committed without it.
    /// </summary>
    Rejected,

    /// <summary>
    /// The database server cannot be reached now or takes no connections yet: the connection is refused or times out,
    /// the server is restarting or recovering, or it has no connection slots left. An outage: it passes by itself.
    /// </summary>
    Unreachable,
}
