using Mandate.Testing;
using Mandate.Core.Audit;
using Mandate.Credentials.Postgres;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// Kind postgres against an agent that holds an allowed identity: the login it gets is never wider or longer-lived
/// than the decision, nothing it sends reaches SQL, and revoking its user ends the login.
/// </summary>
public sealed class PostgresBoundaryTests : CredentialKindTest
{
    private DatabaseLeaseReaper Reaper => Broker.App.App.Services.GetRequiredService<DatabaseLeaseReaper>();

    [PostgresTheory]
    [InlineData("warehouse:read warehouse:write")]
    [InlineData("warehouse:read aws:assume")]
    public async Task Invariant3_ScopeBeyondTheRuleOrTheTool_InvalidScope_NoRoleNoLease(string scope)
    {
        // RFC 6749 §5.2: invalid_scope when the requested scope exceeds what was granted; never a narrower login in its place.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse, scope));

        Expect.Refused(reply, "invalid_scope");
        Assert.Equal(0, await Pg.RoleCountAsync());
        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: false, CancellationToken.None));
        await Broker.AssertNothingIssuedAsync();
    }

    [PostgresFact]
    public async Task Invariant3_ResourceOfNoTool_InvalidTarget_NoRole()
    {
        // RFC 8693 §2.2.2: invalid_target when the server will not issue for the indicated resource.
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse + ".evil.example", "warehouse:read"));

        Expect.Refused(reply, "invalid_target");
        Assert.Equal(0, await Pg.RoleCountAsync());
        await Broker.AssertNothingIssuedAsync();
    }

    [PostgresFact]
    public async Task Invariant4_RequestedLifetimeAboveTheAgentsCap_InvalidRequest_NoRoleNoLease()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read") with { RequestedLifetime = 86_400 });

        Expect.Refused(reply, "invalid_request", "max_lifetime");
        Assert.Equal(0, await Pg.RoleCountAsync());
        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: false, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Invariant4_ShorterRequestedLifetime_RoleValidUntilAndLeaseFollowIt()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read") with { RequestedLifetime = 30 });

        var validUntil = (DateTime)(await Pg.ScalarAsync("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", TestPostgres.RoleOf(uri)))!;
        Assert.Equal((Broker.Now + TimeSpan.FromSeconds(30)).ToUnixTimeSeconds(), new DateTimeOffset(validUntil.ToUniversalTime()).ToUnixTimeSeconds());
        var lease = Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));
        Assert.Equal((Broker.Now + TimeSpan.FromSeconds(30)).ToUnixTimeSeconds(), lease.ExpiresAt.ToUnixTimeSeconds());
    }

    [PostgresTheory]
    [InlineData("urn:ietf:params:oauth:token-type:access_token")]
    [InlineData("urn:ietf:params:oauth:token-type:jwt")]
    [InlineData(Mandate.Core.Credentials.CredentialTokenTypes.PostgresCredentials)]
    public async Task Invariant3_RequestedAccessTokenOrItsOwnType_IsNeverABearerToken_IssuedTokenTypeSaysWhatItIs(string requested)
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read") with { RequestedTokenType = requested });

        // RFC 8693 §2.2.1: issued_token_type names the representation actually issued, whatever was asked for.
        Assert.StartsWith("postgresql://", Expect.Issued(reply), StringComparison.Ordinal);
        Assert.Equal(Mandate.Core.Credentials.CredentialTokenTypes.PostgresCredentials, reply.Member("issued_token_type"));
        Assert.Equal("N_A", reply.Member("token_type"));
    }

    [PostgresTheory]
    [InlineData("alice\"; DROP ROLE postgres; --")]
    [InlineData("o'brien') TO PUBLIC; GRANT ALL ON SCHEMA public TO (\"x")]
    [InlineData("user-whose-name-runs-past-the-sixty-three-byte-identifier-limit-of-postgresql-by-far")]
    public async Task Invariant7_UserNameWithSqlOrOverlongText_RoleNameIsGenerated_GrantsOnlyTheMappedSchema(string user)
    {
        var first = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read") with { SubjectToken = Broker.UserToken(user) });
        var second = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read") with { SubjectToken = Broker.UserToken(user) });

        // The role name is the prefix and random hex whoever asks: nothing from the request is in SQL or in the name.
        foreach (var role in new[] { TestPostgres.RoleOf(first), TestPostgres.RoleOf(second) })
        {
            Assert.Matches($"^{Pg.Prefix}[0-9a-f]{{16}}$", role);
        }

        Assert.NotEqual(TestPostgres.RoleOf(first), TestPostgres.RoleOf(second));
        Assert.Equal(2, await Pg.RoleCountAsync());
        Assert.True(await Pg.RoleExistsAsync("postgres"));
        await using var connection = await TestPostgres.ConnectAsync(first);
        await using var select = new NpgsqlCommand($"SELECT amount FROM {Pg.Hr}.salaries", connection);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => select.ExecuteScalarAsync())).SqlState);
        Assert.All(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None), l => Assert.Equal(user, l.User));
    }

    [PostgresFact]
    public async Task Invariant3_FunctionALoginCreated_DiesWithIt_NeverRunsLaterWithTheAdminsRights()
    {
        // PostgreSQL up to 14 lets every role create in schema public, and an operator's grant may allow CREATE anywhere.
        await Pg.ExecuteAsync($"GRANT CREATE ON SCHEMA {Pg.Sales} TO PUBLIC");
        var first = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        await using (var session = await TestPostgres.ConnectAsync(first))
        {
            await using var create = new NpgsqlCommand($"CREATE FUNCTION {Pg.Sales}.peek() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS 'BEGIN RETURN (SELECT amount FROM {Pg.Hr}.salaries LIMIT 1); END'", session);
            await create.ExecuteNonQueryAsync();
        }

        var lease = Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));
        await Broker.Admin().RevokeAsync("token", lease.Jti, "incident");
        await Reaper.RunOnceAsync(CancellationToken.None);
        var later = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));

        // Handed to the admin, the function would read hr for every later caller (EXECUTE is PUBLIC's by default).
        await using var connection = await TestPostgres.ConnectAsync(later);
        await using var call = new NpgsqlCommand($"SELECT {Pg.Sales}.peek()", connection);
        Assert.Equal(PostgresErrorCodes.UndefinedFunction, (await Assert.ThrowsAsync<PostgresException>(() => call.ExecuteScalarAsync())).SqlState);
        Assert.False(await Pg.RoleExistsAsync(lease.Role));
    }

    [PostgresFact]
    public async Task Invariant3_FunctionALoginPlantedOnTheAdminsSearchPath_NeverRunsWhenTheReaperDropsIt()
    {
        // Schema public is on every session's search_path and, up to PostgreSQL 14, open to every role: a function there
        // that matches the reaper's call better than pg_catalog's would run with the admin's rights (CVE-2018-1058).
        await Pg.ExecuteAsync($"CREATE TABLE {Pg.Sales}.ran_as (who text); GRANT CREATE ON SCHEMA public TO PUBLIC");
        try
        {
            var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
            // The session stays open, so the reaper has a backend of the role to end.
            await using var session = await TestPostgres.ConnectAsync(uri);
            await using (var plant = new NpgsqlCommand(
                $"CREATE FUNCTION public.count(boolean) RETURNS bigint LANGUAGE plpgsql AS 'BEGIN INSERT INTO {Pg.Sales}.ran_as VALUES (current_user); RETURN 0; END'", session))
            {
                await plant.ExecuteNonQueryAsync();
            }

            Broker.Clock.Advance(TestBroker.SupportMaxLifetime + TimeSpan.FromSeconds(1));
            await Reaper.RunOnceAsync(CancellationToken.None);

            Assert.False(await Pg.RoleExistsAsync(TestPostgres.RoleOf(uri)));
            Assert.Equal(0L, await Pg.ScalarAsync($"SELECT pg_catalog.count(*) FROM {Pg.Sales}.ran_as"));
        }
        finally
        {
            await Pg.ExecuteAsync("REVOKE CREATE ON SCHEMA public FROM PUBLIC; DROP FUNCTION IF EXISTS public.count(boolean)");
        }
    }

    [PostgresFact]
    public async Task Invariant6_UserRevoked_RoleDropped_SessionEnded_LoginRefused()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var bob = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read") with { SubjectToken = Broker.UserToken("bob") });
        await using var session = await TestPostgres.ConnectAsync(uri);

        await Broker.Admin().RevokeAsync("user", "alice", "incident");
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(TestPostgres.RoleOf(uri)));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, (await Assert.ThrowsAsync<PostgresException>(() => TestPostgres.ConnectAsync(uri))).SqlState);
        await using (var select = new NpgsqlCommand("SELECT 1", session))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => select.ExecuteScalarAsync());
        }

        // Another user's login is not collateral.
        await using (await TestPostgres.ConnectAsync(bob))
        {
        }

        var dropped = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.LeaseDropped));
        Assert.StartsWith("revoked (user revocation", dropped.Reason, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Invariant8_Password_NeverInTheAdminApiAuditQueryOrIntrospection()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var password = TestPostgres.PasswordOf(uri);

        var audit = await AdminSocket.GetAsync(Broker, "admin/audit");
        var introspection = await Broker.IntrospectAsync(uri, Broker.Svid(TestBroker.SupportAgent));

        Assert.Contains(TestPostgres.RoleOf(uri), audit.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(password, audit.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(password, introspection.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(password, Broker.Logs.Text, StringComparison.Ordinal);
    }
}
