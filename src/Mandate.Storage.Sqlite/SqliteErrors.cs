using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Turns driver and file-system failures into <see cref="StoreUnavailableException"/> with a cause an operator can act on.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Constraint = 19;
    private const int NotADatabase = 26;

    public static bool IsStoreFailure(Exception ex) =>
        ex is SqliteException or IOException or UnauthorizedAccessException;

    public static StoreUnavailableException Unavailable(string description, string action, Exception ex, string? consequence = null)
    {
        var (cause, text) = ex switch
        {
            SqliteException { SqliteErrorCode: Busy or Locked } =>
                (StoreFailureCause.Locked, "the database is locked by another connection and stayed locked for the whole busy timeout"),
            SqliteException { SqliteErrorCode: ReadOnly } => (StoreFailureCause.ReadOnly, "the database is read-only"),
            SqliteException { SqliteErrorCode: Full } => (StoreFailureCause.DiskFull, "the disk is full"),
            SqliteException { SqliteErrorCode: IoError } => (StoreFailureCause.IoError, "the disk reported an I/O error"),
            SqliteException { SqliteErrorCode: CantOpen } => (StoreFailureCause.CannotOpen, "the database file cannot be opened"),
            SqliteException { SqliteErrorCode: Corrupt or NotADatabase } => (StoreFailureCause.Damaged, "the file is damaged or is not a SQLite database"),
            SqliteException { SqliteErrorCode: Constraint } sqlite => (StoreFailureCause.Rejected, sqlite.Message),
            SqliteException sqlite => (StoreFailureCause.Unknown, sqlite.Message),
            UnauthorizedAccessException => (StoreFailureCause.ReadOnly, ex.Message),
            _ => (StoreFailureCause.Unknown, ex.Message),
        };
        return Unavailable(description, action, cause, text, consequence, ex);
    }

    public static StoreUnavailableException Unavailable(
        string description, string action, StoreFailureCause cause, string text, string? consequence, Exception? ex = null)
    {
        var message = $"The store {description} could not {action}: {text}.";
        return new StoreUnavailableException(consequence is null ? message : $"{message} {consequence}", cause, ex);
    }
}
