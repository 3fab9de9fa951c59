using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Cluster;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Credentials;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Background work runs on one node at a time: the database lease reaper of three nodes drops a revoked
/// credential's login once, on the node that holds the reaper role, and the role moves when that node dies.
/// </summary>
public sealed class ClusterLeadershipTests : IAsyncLifetime
{
    private readonly string _adminFile = Path.Combine(Path.GetTempPath(), "mdc-pg-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _downFile = Path.Combine(Path.GetTempPath(), "mdc-pgdown-" + Guid.NewGuid().ToString("N")[..10]);
    private TestPostgres? _pg;
    private ClusterHarness? _cluster;

    private ClusterHarness Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        if (TestPostgresServer.ConnectionStringOrNull is null && !TestPostgresServer.InCi)
        {
            return;
        }

        _pg = await TestPostgres.CreateAsync();
        await File.WriteAllTextAsync(_adminFile, TestPostgres.ConnectionString);
        await File.WriteAllTextAsync(_downFile, "Host=127.0.0.1;Port=1;Username=admin;Password=unused;Database=nowhere;Timeout=3");
        var b = _pg.Builder;
        _cluster = await ClusterHarness.StartAsync(
            policy: CredentialKindsBroker.Policy,
            configuration: CredentialKindsBroker.Configuration(_adminFile, _downFile, _pg.Prefix, b.Host!, b.Port, b.Database!, _pg.Sales));

        // PostgreSQL enforces a login's VALID UNTIL by its own clock.
        _cluster.Clock.Advance(DateTimeOffset.UtcNow - _cluster.Clock.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_pg is not null)
        {
            await _pg.DisposeAsync();
        }

        File.Delete(_adminFile);
        File.Delete(_downFile);
    }

    [PostgresFact]
    public async Task LeaseReaper_RunsOnOneNode_AndMovesWhenThatNodeDies()
    {
        var first = await RevokeOneLeaseAsync(Cluster.A, Cluster.B);
        var leader = Assert.Single(Cluster.Nodes, n => Leads(n));
        Assert.Equal(leader.Options.Node, first.Node);

        await Cluster.StopAsync(leader);
        var survivor = Cluster.Nodes[0];
        var second = await RevokeOneLeaseAsync(survivor, Cluster.Nodes[^1]);

        Assert.NotEqual(first.Node, second.Node);
        Assert.Single(Cluster.Nodes, n => Leads(n));
        Assert.Equal(2, (await survivor.AuditEventsAsync(AuditKinds.LeaseDropped)).Count);
    }

    /// <summary>Issues a database credential on <paramref name="issuer"/>, revokes its run on <paramref name="revoker"/> and waits for its login to be dropped once.</summary>
    private async Task<AuditEvent> RevokeOneLeaseAsync(BrokerHarness issuer, BrokerHarness revoker)
    {
        var before = (await issuer.AuditEventsAsync(AuditKinds.LeaseDropped)).Count;
        var uri = await issuer.IssueAsync(new ExchangeRequest
        {
            ActorToken = issuer.Svid(SupportAgent),
            SubjectToken = issuer.UserToken(),
            Resource = CredentialKindsBroker.Warehouse,
            Scope = "warehouse:read",
        });
        var role = TestPostgres.RoleOf(uri);
        var lease = Assert.Single(await issuer.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None));
        using (var admin = revoker.Admin())
        {
            await admin.RevokeAsync("run", lease.Run, "incident");
        }

        await ClusterHarness.EventuallyAsync(
            async () => (await issuer.Runtime.Store.ListDatabaseLeasesAsync(liveOnly: true, CancellationToken.None)).Count == 0,
            TimeSpan.FromSeconds(15), "the revoked credential's login was not dropped");
        Assert.False(await _pg!.RoleExistsAsync(role));
        var dropped = (await issuer.AuditEventsAsync(AuditKinds.LeaseDropped)).Skip(before).ToList();
        return Assert.Single(dropped);
    }

    private static bool Leads(BrokerHarness node) =>
        node.App.App.Services.GetRequiredService<ClusterLeadership>().Held.Contains(ClusterRoles.LeaseReaper);
}
