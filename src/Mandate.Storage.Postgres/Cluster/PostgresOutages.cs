using System.Net.Sockets;
using System.Security.Authentication;
using Npgsql;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>Which exceptions mean "the database cannot be reached or answered with an error", and how to say so.</summary>
internal static class PostgresOutages
{
    public static bool IsOutage(Exception e) =>
        e is NpgsqlException or TimeoutException or IOException or SocketException or AuthenticationException;

    /// <summary>A one-line cause an operator can act on; Npgsql's messages never carry the password.</summary>
    public static string Describe(Exception e) => e switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        NpgsqlException { InnerException: { } inner } npgsql => $"{npgsql.Message} ({inner.Message})",
        _ => e.Message,
    };
}
