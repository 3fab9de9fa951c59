using System.Net;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Runs raced across nodes: a run id two users name at once (runs are not shared, docs/token-format.md), and a run
/// ended while another node delegates from it (ending a run ends every run below it, docs/runs.md).
/// </summary>
public sealed class ClusterRunRaceTests : ClusterTest
{
    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2);

    [PostgresFact]
    public async Task Invariant5_SameRunIdNamedByTwoUsersOnTwoNodesAtOnce_OnlyOneGetsIt()
    {
        for (var round = 0; round < ClusterRace.Rounds; round++)
        {
            var run = $"run-raced-{round}";
            var alice = Cluster.A.RefundRequest() with { Run = run };
            var bob = Cluster.B.RefundRequest() with { SubjectToken = Cluster.B.UserToken("bob"), Run = run };

            var replies = await ClusterRace.AtOnceAsync(() => Cluster.A.ExchangeAsync(alice), () => Cluster.B.ExchangeAsync(bob));

            var owners = replies.Where(r => r.Status == HttpStatusCode.OK).Select(r => IssuedTokens.Read(r.AccessToken!).Subject).ToList();
            Assert.True(owners.Count == 1, $"round {round}: run '{run}' was issued to {string.Join(" and ", owners)}");
            var refused = Assert.Single(replies, r => r.Status != HttpStatusCode.OK);
            Expect.Refused(refused, "invalid_request");
            Assert.Equal("resolve.named_run_taken", refused.Member("check_id"));
        }
    }

    [PostgresFact]
    public async Task Invariant6_RunEndedOnAWhileBDelegatesFromIt_TheChildRunIsOverEverywhere()
    {
        for (var round = 0; round < 10; round++)
        {
            var run = await Cluster.A.StartRunAsync();
            var delegation = Cluster.B.RunTokenRequest(run, ExecutorAgent);

            var replies = await ClusterRace.AtOnceAsync(() => Cluster.A.EndRunAsync(run, SupportAgent), () => Cluster.B.ExchangeAsync(delegation));

            Assert.Equal(HttpStatusCode.OK, replies[0].Status);
            if (replies[1].Status != HttpStatusCode.OK)
            {
                Expect.Refused(replies[1], "invalid_request");
                continue;
            }

            var child = replies[1].AccessToken!;
            foreach (var node in Cluster.Nodes)
            {
                await ClusterHarness.EventuallyAsync(
                    async () => (await node.ExchangeAsync(node.InRunRequest(child, ExecutorAgent))).Status != HttpStatusCode.OK,
                    ClusterHarness.Propagation,
                    $"round {round}: {node.Options.Node} still issues in a child run delegated while its parent ended");
            }
        }
    }
}
