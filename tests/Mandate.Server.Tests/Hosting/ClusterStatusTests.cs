using System.Text.Json;
using Mandate.Core.Cluster;
using Mandate.SenderConstraint;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Hosting;

/// <summary>One node on SQLite: the cluster parts are the single-node ones, and the admin status says so.</summary>
public sealed class ClusterStatusTests : BrokerTest
{
    [Fact]
    public async Task AdminStatus_SqliteNode_ShowsNodeStoreFeedAndRoles()
    {
        var reply = await AdminSocket.GetAsync(Broker, "/admin/status");

        using var status = JsonDocument.Parse(reply.Body);
        var root = status.RootElement;
        Assert.Equal("node-a", root.GetProperty("node").GetString());
        Assert.Equal(Broker.Runtime.Store.Description, root.GetProperty("store").GetString());
        Assert.True(root.GetProperty("change_feed_current").GetBoolean());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("leader_roles").ValueKind);
    }

    [Fact]
    public void Services_SqliteNode_AreTheSingleNodeClusterParts()
    {
        var services = Broker.App.App.Services;

        Assert.IsType<LocalChangeFeed>(services.GetRequiredService<IChangeFeed>());
        Assert.IsType<LocalClusterLocks>(services.GetRequiredService<IClusterLocks>());
        Assert.IsType<DpopReplayCache>(services.GetRequiredService<IProofReplayGuard>());
        Assert.Same(Broker.Runtime.ChangeFeed, services.GetRequiredService<IChangeFeed>());
        Assert.Same(Broker.Runtime.ReplayGuard, services.GetRequiredService<IProofReplayGuard>());
    }

    [Fact]
    public async Task Leadership_SingleNode_LeadsAndListsTheRole()
    {
        var leadership = Broker.App.App.Services.GetRequiredService<ClusterLeadership>();

        Assert.True(await leadership.IsLeaderAsync(ClusterRoles.Maintenance, CancellationToken.None));
        Assert.Contains(ClusterRoles.Maintenance, leadership.Held);
    }
}
