using System.Globalization;
using Npgsql;

namespace Mandate.Credentials.Postgres;

/// <summary>
/// Creates and drops per-credential roles. Role names are generated (prefix + random hex) and quoted as
/// identifiers; the password reaches the server only as a SCRAM verifier literal of base64 characters.
/// No request input is ever interpolated into SQL.
/// </summary>
internal static class PostgresRoles
{
    /// <summary>Quotes a generated role name as an identifier. Generated names hold only [a-z0-9_], so doubling quotes is never needed.</summary>
    public static string Quote(string role) => "\"" + role.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>CREATE ROLE with <c>VALID UNTIL</c> the expiry and the grants, in one transaction: all or nothing.</summary>
    public static async Task CreateAsync(NpgsqlDataSource admin, string role, string password, DateTimeOffset validUntil, IReadOnlyList<string> grants, CancellationToken cancellationToken)
    {
        var until = validUntil.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00";
        await using var connection = await admin.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction,
            $"CREATE ROLE {Quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{ScramVerifier.Create(password)}' VALID UNTIL '{until}'",
            cancellationToken);
        foreach (var grant in grants)
        {
            await ExecuteAsync(connection, transaction, grant, cancellationToken);
        }

        // Not cancellable: a commit cut short would leave it unknown whether the role exists.
        await transaction.CommitAsync(CancellationToken.None);
    }

    /// <summary>
    /// Stops the role logging in, ends its sessions, drops anything it created, revokes what it was granted and
    /// drops it. Returns false when the role did not exist (already dropped).
    /// </summary>
    public static async Task<bool> DropAsync(NpgsqlDataSource admin, string role, CancellationToken cancellationToken)
    {
        await using var connection = await admin.OpenConnectionAsync(cancellationToken);
        // Every name is schema-qualified: a function or operator an agent planted in schema public (open to every role up
        // to PostgreSQL 14) would otherwise be a closer match than pg_catalog's and run with the admin's rights (CVE-2018-1058).
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = role });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        // NOLOGIN first, so no new session starts between terminating the old ones and the drop.
        await ExecuteAsync(connection, null, $"ALTER ROLE {Quote(role)} NOLOGIN", cancellationToken);
        await using (var terminate = new NpgsqlCommand(
            "SELECT pg_catalog.count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE usename OPERATOR(pg_catalog.=) $1", connection))
        {
            terminate.Parameters.Add(new NpgsqlParameter { Value = role });
            await terminate.ExecuteScalarAsync(cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // DROP OWNED needs the privileges of the role: an admin with CREATEROLE but not SUPERUSER first takes its
        // membership (CREATEROLE may grant it up to PostgreSQL 15; from 16 the creator holds ADMIN OPTION).
        await ExecuteAsync(connection, transaction, $"GRANT {Quote(role)} TO CURRENT_USER", cancellationToken);
        // What the role created is dropped, never handed to the admin: a SECURITY DEFINER function, a view or a trigger
        // the agent wrote would otherwise run with the admin's rights for every later caller.
        await ExecuteAsync(connection, transaction, $"DROP OWNED BY {Quote(role)}", cancellationToken);
        await ExecuteAsync(connection, transaction, $"DROP ROLE {Quote(role)}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
