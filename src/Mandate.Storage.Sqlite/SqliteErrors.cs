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
    private const int NotADatabase = 26;

    public static bool IsStoreFailure(Exception ex) =>
        ex is SqliteException or IOException or UnauthorizedAccessException;

    public static StoreUnavailableException Unavailable(string description, string action, Exception ex, string? consequence = null)
    {
        var cause = ex switch
        {
            SqliteException { SqliteErrorCode: Busy or Locked } =>
                "the database is locked by another connection and stayed locked for the whole busy timeout",
            SqliteException { SqliteErrorCode: ReadOnly } => "the database is read-only",
            SqliteException { SqliteErrorCode: Full } => "the disk is full",
            SqliteException { SqliteErrorCode: IoError } => "the disk reported an I/O error",
            SqliteException { SqliteErrorCode: CantOpen } => "the database file cannot be opened",
            SqliteException { SqliteErrorCode: Corrupt or NotADatabase } => "the file is damaged or is not a SQLite database",
            SqliteException sqlite => sqlite.Message,
            _ => ex.Message,
        };
        var message = $"The store {description} could not {action}: {cause}.";
        return new StoreUnavailableException(consequence is null ? message : $"{message} {consequence}", ex);
    }
}
