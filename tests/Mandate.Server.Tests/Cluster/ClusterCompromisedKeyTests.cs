using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.RunExchanges;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// A compromised-key rotation asked of one node on a shared PostgreSQL: every node's published token keys are
/// distrusted, so a credential signed on either node is inactive at the other's introspection and gone from its JWKS,
/// and the other node signs with a new key of its own, which both nodes trust.
/// </summary>
public sealed class ClusterCompromisedKeyTests : ClusterTest
{
    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2);

    [PostgresFact]
    public async Task RotateCompromisedOnA_CredentialSignedOnB_InactiveOnBAndGoneFromItsJwks_BSignsWithANewTrustedKey()
    {
        var signedOnB = await Cluster.B.IssueAsync();
        var signedOnA = await Cluster.A.IssueAsync();
        var oldKids = new[] { IssuedTokens.Read(signedOnA).Kid, IssuedTokens.Read(signedOnB).Kid };
        Assert.True(await Cluster.B.ActiveAsync(signedOnB));

        Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        var reply = await AdminSocket.PostJsonAsync(Cluster.A, "admin/keys/rotate", new { compromised = true, reason = "leak" });
        var distrusted = reply.Json.GetProperty("rotations")[0].GetProperty("distrusted").EnumerateArray().Select(k => k.GetString()).ToList();

        Assert.Equal(oldKids.Order(), distrusted.Order());
        var took = await ClusterHarness.EventuallyAsync(
            async () => !await Cluster.B.ActiveAsync(signedOnB) && !await Cluster.B.ActiveAsync(signedOnA),
            ClusterHarness.Propagation, "node B still trusts a key distrusted on node A");
        var jwks = await Cluster.B.Http.GetStringAsync(".well-known/jwks.json");
        Assert.All(oldKids, kid => Assert.DoesNotContain(kid, jwks, StringComparison.Ordinal));
        var newOnB = await Cluster.B.IssueAsync();
        Assert.DoesNotContain(IssuedTokens.Read(newOnB).Kid, oldKids);
        Assert.True(await Cluster.A.ActiveAsync(newOnB));
        Assert.True(took < ClusterHarness.Propagation, $"took {took.TotalMilliseconds} ms");
    }
}
