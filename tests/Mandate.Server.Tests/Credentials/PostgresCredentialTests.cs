using Mandate.Testing;
using System.Net;
using Mandate.Core.Audit;
using Mandate.Core.Credentials;
using Mandate.Credentials.Postgres;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mandate.Server.Tests.Credentials;

/// <summary>Kind postgres at issuance: the role the agent gets can do exactly what the granted scopes say, and no secret leaks.</summary>
public sealed class PostgresCredentialTests : CredentialKindTest
{
    [PostgresFact]
    public async Task ReadScope_RoleSelectsMappedSchema_AndInsertIsPermissionDenied()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));

        await using var connection = await TestPostgres.ConnectAsync(uri);
        await using (var select = new NpgsqlCommand($"SELECT sum(amount) FROM {Pg.Sales}.orders", connection))
        {
            Assert.Equal(350L, await select.ExecuteScalarAsync());
        }

        await using var insert = new NpgsqlCommand($"INSERT INTO {Pg.Sales}.orders VALUES (3, 1)", connection);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [PostgresFact]
    public async Task ReadScope_RoleCannotReadAnotherSchema()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));

        await using var connection = await TestPostgres.ConnectAsync(uri);
        await using var select = new NpgsqlCommand($"SELECT amount FROM {Pg.Hr}.salaries", connection);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => select.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [PostgresFact]
    public async Task WriteScope_NotGrantedByPolicy_IsRefusedAndCreatesNoRole()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:write"));

        Expect.Refused(reply, "invalid_scope");
        Assert.Equal(0, await Pg.RoleCountAsync());
        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: false, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Issued_ResponseIsConnectionUri_RoleValidUntilIsTheExpiry_LeaseRecorded()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var uri = Expect.Issued(reply);

        Assert.Equal(CredentialTokenTypes.PostgresCredentials, reply.Json.GetProperty("issued_token_type").GetString());
        Assert.Equal("N_A", reply.Json.GetProperty("token_type").GetString());
        var expiresIn = reply.Json.GetProperty("expires_in").GetInt32();
        var parsed = new Uri(uri);
        Assert.Equal("postgresql", parsed.Scheme);
        Assert.Equal((Pg.Builder.Host, Pg.Builder.Port, "/" + Pg.Builder.Database), (parsed.Host, parsed.Port, parsed.AbsolutePath));
        var role = TestPostgres.RoleOf(uri);
        Assert.StartsWith(Pg.Prefix, role, StringComparison.Ordinal);
        Assert.Equal(43, TestPostgres.PasswordOf(uri).Length);

        var lease = Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));
        Assert.Equal((role, "warehouse", "acme", TestBroker.SupportAgent), (lease.Role, lease.Tool, lease.Tenant, lease.Agent));
        Assert.Equal(Broker.Now.AddSeconds(expiresIn).ToUnixTimeSeconds(), lease.ExpiresAt.ToUnixTimeSeconds());
        var validUntil = (DateTime)(await Pg.ScalarAsync("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", role))!;
        Assert.Equal(lease.ExpiresAt.ToUnixTimeSeconds(), new DateTimeOffset(validUntil.ToUniversalTime()).ToUnixTimeSeconds());

        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(lease.Jti, issuance.Jti);
        Assert.Equal("postgres", issuance.Evidence["credential_kind"]);
        Assert.Equal(role, issuance.Evidence["pg_role"]);
    }

    [PostgresFact]
    public async Task Password_NeverInLogsAuditOrStore()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var password = TestPostgres.PasswordOf(uri);
        await using (await TestPostgres.ConnectAsync(uri))
        {
        }

        await Broker.Admin().RevokeAsync("tenant", "acme", "test");
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(password, Broker.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(password, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        var storeBytes = await File.ReadAllBytesAsync(Broker.Options.StorePath);
        Assert.DoesNotContain(password, System.Text.Encoding.UTF8.GetString(storeBytes), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AdminUnreachable_TemporarilyUnavailable_NothingIssuedNothingLeaked()
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.WarehouseDown, "warehouse:read"));

        Expect.Refused(reply, "temporarily_unavailable", "warehouse-down", "no credential was issued");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
        await Broker.AssertNothingIssuedAsync();
        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: false, CancellationToken.None));
        Assert.DoesNotContain("admin-secret-never-shown", reply.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("admin-secret-never-shown", Broker.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Invariant2_StoreLocked_RoleDroppedAgain_NothingIssued()
    {
        var reply = await Broker.WhileStoreLockedAsync(() => Broker.ExchangeAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read")));

        Expect.Refused(reply, "temporarily_unavailable", "could not record decision", "no credential was issued");
        // The role existed only between CREATE ROLE and the failed commit; it must not outlive the refusal.
        Assert.Equal(0, await Pg.RoleCountAsync());
        await Broker.AssertNothingIssuedAsync();
        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: false, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Sdk_ExposesConnectionUri_ThatLogsIn()
    {
        var credential = await new Mandate.Client.MandateClient(Broker.Http).ExchangeAsync(new Mandate.Client.CredentialRequest
        {
            ActorToken = Broker.Svid(TestBroker.SupportAgent),
            SubjectToken = Broker.UserToken(),
            Tool = "warehouse",
            Scopes = ["warehouse:read"],
        });

        Assert.Null(credential.IdToken);
        await using var connection = await TestPostgres.ConnectAsync(credential.ConnectionUri!);
        await using var select = new NpgsqlCommand($"SELECT count(*) FROM {Pg.Sales}.orders", connection);
        Assert.Equal(2L, await select.ExecuteScalarAsync());
    }

    private DatabaseLeaseReaper Reaper => Broker.App.App.Services.GetRequiredService<DatabaseLeaseReaper>();
}
