using System.Net.Sockets;
using Mandate.Core.Storage;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>
/// Turns driver, network and server failures into <see cref="StoreUnavailableException"/> with a cause an operator
/// can act on. Every failure of the database is one (as every SQLite error is for the embedded store): an outage,
/// a timeout, a constraint a batch broke. The cause tells an outage that passes by itself (<see cref="StoreFailureCause.Unreachable"/>,
/// <see cref="StoreFailureCause.Locked"/>) from a set-up error (<see cref="StoreFailureCause.CannotOpen"/>: refused credentials,
/// no such database). The message names the database by its description, never the password.
/// </summary>
internal static class PostgresErrors
{
    public static bool IsStoreFailure(Exception ex) =>
        ex is NpgsqlException or SocketException or TimeoutException or IOException;

    public static StoreUnavailableException Unavailable(string description, string action, Exception ex, string? consequence = null)
    {
        var (cause, text) = Classify(ex);
        var message = $"The store {description} could not {action}: {text}.";
        return new StoreUnavailableException(consequence is null ? message : $"{message} {consequence}", cause, ex);
    }

    private static (StoreFailureCause Cause, string Text) Classify(Exception ex) => ex switch
    {
        PostgresException { SqlState: "57P01" or "57P02" } =>
            (StoreFailureCause.Unreachable, "the server is shutting down or restarting; it recovers by itself once the server is back"),
        PostgresException { SqlState: "57P03" } => (StoreFailureCause.Unreachable, "the server is starting up or in recovery and does not accept connections yet"),
        PostgresException { SqlState: "57014" } => (StoreFailureCause.Locked, "a statement ran past the statement timeout (the database is overloaded or a lock is held)"),
        PostgresException { SqlState: "53100" } => (StoreFailureCause.DiskFull, "the server's disk is full"),
        PostgresException { SqlState: "53300" } => (StoreFailureCause.Unreachable, "the server has no connection slots left (max_connections); lower the pool size or raise the limit"),
        PostgresException { SqlState: "25006" } => (StoreFailureCause.ReadOnly, "the server is read-only (a standby, or default_transaction_read_only); point the connection string at the primary"),
        PostgresException { SqlState: "40001" or "40P01" or "55P03" } => (StoreFailureCause.Locked, "the transaction lost a lock conflict; retry"),
        PostgresException { SqlState: "3D000" } pg => (StoreFailureCause.CannotOpen, $"the database does not exist ({pg.MessageText})"),
        PostgresException { SqlState: "42P01" or "3F000" } pg =>
            (StoreFailureCause.Unknown, $"the schema is missing or not migrated ({pg.MessageText}); start 'mandate serve' once to migrate it"),
        PostgresException pg when pg.SqlState.StartsWith("28", StringComparison.Ordinal) =>
            (StoreFailureCause.CannotOpen, $"the server refused the credentials ({pg.MessageText}); check the user and password in the connection string"),
        PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal) =>
            (StoreFailureCause.Unreachable, $"the connection failed ({pg.SqlState}: {pg.MessageText})"),
        // Class 23 (integrity constraint) and 22 (data exception, e.g. a NUL in text): the batch, not the database.
        PostgresException { SqlState: ['2', '2' or '3', ..] } pg => (StoreFailureCause.Rejected, $"{pg.SqlState}: {pg.MessageText}"),
        PostgresException pg => (StoreFailureCause.Unknown, $"{pg.SqlState}: {pg.MessageText}"),
        NpgsqlException { InnerException: TimeoutException } or TimeoutException =>
            (StoreFailureCause.Unreachable, "the server did not answer within the timeout (unreachable, overloaded, or the pool is exhausted)"),
        NpgsqlException { InnerException: SocketException socket } =>
            (StoreFailureCause.Unreachable, $"the server cannot be reached ({socket.SocketErrorCode}: {socket.Message})"),
        SocketException socket => (StoreFailureCause.Unreachable, $"the server cannot be reached ({socket.SocketErrorCode}: {socket.Message})"),
        // The driver's own judgement for the rest: a broken connection is transient, a TLS set-up that fails is not.
        NpgsqlException { IsTransient: true } or IOException => (StoreFailureCause.Unreachable, $"the connection to the server failed ({ex.Message})"),
        NpgsqlException => (StoreFailureCause.CannotOpen, $"the connection to the server failed ({ex.Message})"),
        _ => (StoreFailureCause.Unknown, ex.Message),
    };
}
