using Mandate.Server.Tests.Credentials;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Two nodes on one PostgreSQL with a tool that asks for RS256: each node signs with its own RSA key, every node's JWKS
/// publishes both (learnt from the change feed), and a credential one node signed is active at the other's introspection.
/// </summary>
public sealed class ClusterRs256KeyTests : ClusterTest
{
    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2, configuration: Rs256CredentialTests.RsaRefunds);

    [PostgresFact]
    public async Task Jwks_TwoNodes_EachPublishesBothNodesRsaKeys()
    {
        var kids = Cluster.Nodes.Select(n => n.Runtime.RsaKeys!.Current.Active.Kid).ToList();
        Assert.NotEqual(kids[0], kids[1]);

        // node-a started first: it learns node-b's RSA key from the change feed, not from a restart.
        foreach (var node in Cluster.Nodes)
        {
            await ClusterHarness.EventuallyAsync(
                async () => kids.All(RsaKids(await node.Http.GetStringAsync(".well-known/jwks.json")).Contains),
                ClusterHarness.Propagation,
                $"{node.Options.Node} does not publish both nodes' RSA keys");
        }
    }

    [PostgresFact]
    public async Task Introspect_Rs256CredentialSignedOnB_IsActiveOnA()
    {
        var token = await Cluster.B.IssueAsync();

        var reply = await Cluster.A.IntrospectAsync(token, Cluster.A.Svid(RefundsWorkload));

        Assert.Equal(Cluster.B.Runtime.RsaKeys!.Current.Active.Kid, IssuedTokens.Read(token).Kid);
        Assert.True(IntrospectionReply.Active(reply), reply.ToString());
    }

    private static IEnumerable<string> RsaKids(string jwks) =>
        new JsonWebKeySet(jwks).Keys.Where(k => k.Kty == "RSA").Select(k => k.Kid);
}
