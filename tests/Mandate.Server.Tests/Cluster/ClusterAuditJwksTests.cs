using Mandate.Core.Audit.Checkpoints;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Two nodes with signed checkpoints on one PostgreSQL: each node's <c>/audit/jwks</c> holds both nodes' checkpoint keys,
/// learnt from the change feed, so a checkpoint one node signed verifies with the keys the other publishes; neither
/// node's token JWKS holds a checkpoint key.
/// </summary>
public sealed class ClusterAuditJwksTests : ClusterTest
{
    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2, configuration: TestBroker.Configuration + "\n" + AuditCheckpointServerTests.CheckpointConfiguration);

    [PostgresFact]
    public async Task AuditJwks_TwoNodes_EachPublishesBothNodesCheckpointKeys_TheTokenJwksNone()
    {
        var kids = Cluster.Nodes.Select(n => n.Runtime.CheckpointKeys!.Current.Active.Kid).ToList();
        Assert.NotEqual(kids[0], kids[1]);

        // node-a started first: it learns node-b's checkpoint key from the change feed, not from a restart.
        foreach (var node in Cluster.Nodes)
        {
            await ClusterHarness.EventuallyAsync(
                async () => kids.All((await AuditJwksTests.KeysAsync(node, AuditJwksEndpoint.Path)).Select(k => k.Kid).Contains),
                ClusterHarness.Propagation,
                $"{node.Options.Node} does not publish both nodes' checkpoint keys");
        }

        foreach (var node in Cluster.Nodes)
        {
            AuditJwksTests.AssertHoldsNoCheckpointKey(node, await AuditJwksTests.KeysAsync(node, MetadataEndpoints.JwksPath));
        }
    }

    [PostgresFact]
    public async Task AuditJwks_CheckpointSignedOnB_VerifiesWithTheKeysNodeAPublishes()
    {
        using (var admin = Cluster.B.Admin())
        {
            await admin.WriteAuditCheckpointAsync();
        }

        var checkpoints = Cluster.B.Options.AuditCheckpoints.File!;
        AuditCheckpointFile? read = null;
        await ClusterHarness.EventuallyAsync(
            async () => (read = await AuditCheckpointFile.ReadAsync(checkpoints, (await AuditJwksTests.KeysAsync(Cluster.A, AuditJwksEndpoint.Path)).ToDictionary(k => k.Kid, StringComparer.Ordinal), Cluster.A.Options.Issuer, CancellationToken.None)).Refusal is null,
            ClusterHarness.Propagation,
            "node-a does not publish the key node-b signed its checkpoint with");

        Assert.Equal(Cluster.B.Runtime.CheckpointKeys!.Current.Active.Kid, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(Assert.Single(read!.Checkpoints).Jws).Kid);
    }
}
