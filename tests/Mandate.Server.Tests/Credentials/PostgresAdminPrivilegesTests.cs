using System.Security.Cryptography;
using Mandate.Credentials.Postgres;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The admin login holds exactly the privileges docs/credential-kinds.md lists (CREATEROLE, pg_signal_backend, CONNECT
/// and the grants WITH GRANT OPTION), no SUPERUSER: it creates a credential's role and drops it again.
/// </summary>
public sealed class PostgresAdminPrivilegesTests
{
    [PostgresFact]
    public async Task Invariant6_AdminWithTheDocumentedPrivileges_DropsTheRoleItCreated()
    {
        await using var pg = await TestPostgres.CreateAsync();
        var admin = pg.Prefix + "admin";
        var adminPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await pg.ExecuteAsync($"""
            CREATE ROLE {admin} LOGIN CREATEROLE PASSWORD '{adminPassword}';
            GRANT pg_signal_backend TO {admin};
            GRANT CONNECT ON DATABASE "{pg.Builder.Database}" TO {admin};
            GRANT USAGE ON SCHEMA {pg.Sales} TO {admin} WITH GRANT OPTION;
            GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {pg.Sales} TO {admin} WITH GRANT OPTION;
            """);
        var asAdmin = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Username = admin, Password = adminPassword, Pooling = false };
        await using var source = NpgsqlDataSource.Create(asAdmin);
        var role = pg.Prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        string[] grants = [$"GRANT USAGE ON SCHEMA {pg.Sales} TO {PostgresRoles.Quote(role)}", $"GRANT SELECT ON ALL TABLES IN SCHEMA {pg.Sales} TO {PostgresRoles.Quote(role)}"];
        await PostgresRoles.CreateAsync(source, role, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), DateTimeOffset.UtcNow.AddMinutes(5), grants, CancellationToken.None);

        var dropped = await PostgresRoles.DropAsync(source, role, CancellationToken.None);

        Assert.True(dropped);
        Assert.False(await pg.RoleExistsAsync(role));
    }
}
