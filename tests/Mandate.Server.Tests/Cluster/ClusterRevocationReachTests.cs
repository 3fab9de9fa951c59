using System.Net;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Invariant 6 across nodes on one PostgreSQL: a revocation made on one node reaches what another node delegated and
/// what a third node is asked, and a tenant's or user's outlives the longest run and a node's restart.
/// </summary>
[Trait("Invariant", "6")]
public sealed class ClusterRevocationReachTests : ClusterTest
{
    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync();

    [PostgresFact]
    public async Task Invariant6_RootRunRevokedOnA_GrandchildDelegatedOnB_InactiveOnCAndItsRunTokenGetsNothingOnB()
    {
        var root = await Cluster.A.StartRunAsync(OrchestratorAgent);
        var child = await Cluster.B.DelegateAsync(root, ExecutorAgent);
        var grandchild = await Cluster.B.DelegateAsync(child, CheckerAgent, "refunds:read");
        var credential = await Cluster.B.IssueInRunAsync(grandchild, CheckerAgent, scope: "refunds:read");
        Assert.True(await Cluster.C.ActiveAsync(credential));

        using (var admin = Cluster.A.Admin())
        {
            await admin.RevokeAsync("run", RunId(root), "incident");
        }

        await ClusterHarness.EventuallyAsync(async () => !await Cluster.C.ActiveAsync(credential), ClusterHarness.Propagation, "node C still says the grandchild's credential is active");
        await ClusterHarness.EventuallyAsync(
            async () => (await Cluster.B.ExchangeAsync(Cluster.B.InRunRequest(grandchild, CheckerAgent, scope: "refunds:read"))).Status != HttpStatusCode.OK,
            ClusterHarness.Propagation, "node B still issues in the grandchild run");
    }

    [PostgresFact]
    public async Task Invariant6_UserRevokedOnA_DayLongUserTokenIssuedBefore_RefusedOnCAfterTheLongestRunAndARestart()
    {
        var claims = Cluster.C.UserClaims();
        claims["exp"] = (Cluster.Clock.GetUtcNow() + TimeSpan.FromDays(1)).ToUnixTimeSeconds();
        var userToken = Cluster.C.UserKey.Sign(claims);
        using (var admin = Cluster.A.Admin())
        {
            await admin.RevokeAsync("user", "alice", "incident");
        }

        Cluster.Clock.Advance(Cluster.C.Options.Runs.MaxDuration + TimeSpan.FromHours(1));
        await Cluster.C.RestartAsync();
        var reply = await Cluster.C.ExchangeAsync(Cluster.C.RefundRequest() with { SubjectToken = userToken });

        Expect.Refused(reply, "invalid_request", "before user 'alice' was revoked");
    }
}
