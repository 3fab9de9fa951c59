using Mandate.Testing;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Credentials;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Mandate.Credentials.Postgres;
using Mandate.Server.Tests.Harness;
using Mandate.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mandate.Server.Tests.Credentials;

/// <summary>The reaper: a database login dies with its credential, at expiry or revocation, across broker restarts.</summary>
public sealed class PostgresReaperTests : CredentialKindTest
{
    private DatabaseLeaseReaper Reaper => Broker.App.App.Services.GetRequiredService<DatabaseLeaseReaper>();

    [PostgresFact]
    public async Task BeforeExpiry_ReaperLeavesRoleAlone()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));

        var result = await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.Equal((0, 1), (result.Dropped, result.Live));
        Assert.True(await Pg.RoleExistsAsync(TestPostgres.RoleOf(uri)));
        await using (await TestPostgres.ConnectAsync(uri))
        {
        }
    }

    [PostgresFact]
    public async Task AfterExpiry_ReaperDropsRole_LoginFails_DropAudited()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var role = TestPostgres.RoleOf(uri);
        await using var session = await TestPostgres.ConnectAsync(uri);

        Broker.Clock.Advance(TestBroker.SupportMaxLifetime + TimeSpan.FromSeconds(1));
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(role));
        await AssertLoginFailsAsync(uri);
        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));
        var dropped = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.LeaseDropped));
        Assert.Equal(("expired", role, "warehouse"), (dropped.Reason, dropped.Evidence["pg_role"], dropped.Tool));
        // The open session was terminated, not left running past expiry.
        await using var select = new NpgsqlCommand("SELECT 1", session);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => select.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task RunRevoked_RoleDroppedBeforeExpiry()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var lease = Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));

        await Broker.Admin().RevokeAsync("run", lease.Run, "incident");
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(lease.Role));
        await AssertLoginFailsAsync(uri);
        var dropped = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.LeaseDropped));
        Assert.StartsWith("revoked (run revocation", dropped.Reason, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Invariant6_UserRevokedOnANodeThatHadNotHeard_LoginOnAnOlderUserToken_RoleDropped()
    {
        var request = Request(CredentialKindsBroker.Warehouse, "warehouse:read");
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        // Issued after the revocation's time, on a user token from before it, by a node that had not heard of it yet.
        var uri = await Broker.IssueAsync(request with { ActorToken = Broker.Svid(TestBroker.SupportAgent) });
        Broker.Runtime.Revocations.Add(LateRevocations.Late(RevocationTarget.User, "alice", revokedAt));

        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(TestPostgres.RoleOf(uri)));
        var dropped = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.LeaseDropped));
        Assert.StartsWith("revoked (user revocation rev_late", dropped.Reason, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task CredentialRevokedByJti_OtherCredentialsRoleSurvives()
    {
        var first = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var second = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var leases = await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None);
        var firstLease = leases.Single(l => l.Role == TestPostgres.RoleOf(first));

        await Broker.Admin().RevokeAsync("token", firstLease.Jti, "leaked");
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(firstLease.Role));
        Assert.True(await Pg.RoleExistsAsync(TestPostgres.RoleOf(second)));
        await using (await TestPostgres.ConnectAsync(second))
        {
        }
    }

    [PostgresFact]
    public async Task Rfc7009_HolderRevokesWithTheUri_RoleDropped_OtherAgentUnauthorized()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));

        var stranger = await Broker.RevokeAsync(uri, Broker.Svid(TestBroker.ResearchAgent));
        Expect.Refused(stranger, "unauthorized_client");
        Assert.True(await Pg.RoleExistsAsync(TestPostgres.RoleOf(uri)));

        var holder = await Broker.RevokeAsync(uri, Broker.Svid(TestBroker.SupportAgent));
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.Equal(System.Net.HttpStatusCode.OK, holder.Status);
        Assert.False(await Pg.RoleExistsAsync(TestPostgres.RoleOf(uri)));
        Assert.DoesNotContain(TestPostgres.PasswordOf(uri), await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestPostgres.PasswordOf(uri), Broker.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task RevokedWhileBrokerStopped_RestartedBrokerDropsRole()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var lease = Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));

        // Another node (or an operator with the store) revokes the run while this broker is down.
        await Broker.RestartAsync(async () =>
        {
            await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = Broker.Options.StorePath }, Broker.Clock);
            var service = new RevocationService(new StoreTrail(store), new RevocationList(), Broker.Options, Broker.Clock);
            await service.RevokeAsync(RevocationTarget.Run, lease.Run, "admin:offline", "incident", null, CancellationToken.None);
        });
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(lease.Role));
        await AssertLoginFailsAsync(uri);
        var stored = Assert.Single(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: false, CancellationToken.None));
        Assert.Equal(DatabaseLeaseState.Dropped, stored.State);
    }

    [PostgresFact]
    public async Task ExpiredWhileBrokerStopped_RestartedBrokerDropsRole()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var role = TestPostgres.RoleOf(uri);

        await Broker.RestartAsync(() =>
        {
            Broker.Clock.Advance(TimeSpan.FromMinutes(10));
            return Task.CompletedTask;
        });
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(role));
        Assert.Equal("expired", Assert.Single(await Broker.AuditEventsAsync(AuditKinds.LeaseDropped)).Reason);
    }

    [PostgresFact]
    public async Task RoleAlreadyGone_LeaseStillClosed_NoRetryLoop()
    {
        var uri = await Broker.IssueAsync(Request(CredentialKindsBroker.Warehouse, "warehouse:read"));
        var role = TestPostgres.RoleOf(uri);
        await Pg.ExecuteAsync($"DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"");

        Broker.Clock.Advance(TimeSpan.FromMinutes(10));
        // The clock's advance may already have woken the background pass; passes never overlap, so after this one both are done.
        await Reaper.RunOnceAsync(CancellationToken.None);

        Assert.Empty(await Broker.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));
        Assert.Equal("false", Assert.Single(await Broker.AuditEventsAsync(AuditKinds.LeaseDropped)).Evidence["role_existed"]);
    }

    private static async Task AssertLoginFailsAsync(string uri)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => TestPostgres.ConnectAsync(uri));
        // 28P01: the server knows no such login any more (invalid_password is what a missing role reports).
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    /// <summary>The store as an audit trail without the group-commit writer, for a second process's view.</summary>
    private sealed class StoreTrail(IMandateStore store) : IUnitOfWork
    {
        public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken) => store.CommitAsync(batch, cancellationToken);
    }
}
