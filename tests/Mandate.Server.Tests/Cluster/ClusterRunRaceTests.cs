using System.Net;
using Mandate.Server.Tests.Approvals;
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
    public async Task Invariant5_RunIdNamedByAnApprovalOnOneNodeAndAnExchangeOnTheOtherAtOnce_OnlyOneHasIt()
    {
        await using var cluster = await ClusterHarness.StartAsync(nodes: 2, policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        for (var round = 0; round < ClusterRace.Rounds; round++)
        {
            var run = $"run-raced-{round}";
            var aliceAsks = (cluster.A.RefundRequest() with { Run = run }).ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)).ToList();
            var bobExchanges = (cluster.B.RefundRequest() with { SubjectToken = cluster.B.UserToken("bob"), Run = run })
                .ToForm().Append(new("authorization_details", """[{"type":"refund","amount":25,"currency":"EUR"}]""")).ToList();

            var replies = await ClusterRace.AtOnceAsync(() => cluster.A.PostFormAsync("oauth2/token", aliceAsks), () => cluster.B.PostFormAsync("oauth2/token", bobExchanges));

            // Either alice's approval holds the run (bob refused) or bob's credential does (alice refused): never both.
            var aliceHasIt = replies[0].Error == "authorization_pending";
            var bobHasIt = replies[1].Status == HttpStatusCode.OK;
            Assert.True(aliceHasIt != bobHasIt, $"round {round}: alice {replies[0]}, bob {replies[1]}");
            var refused = aliceHasIt ? replies[1] : replies[0];
            Expect.Refused(refused, "invalid_request");
            Assert.Equal("resolve.named_run_taken", refused.Member("check_id"));
            if (!aliceHasIt)
            {
                // An approval recorded for the run bob got first is withdrawn, so no approver can hand alice a credential in it.
                var approvals = await cluster.A.Runtime.Store.ListApprovalsAsync(null, 100, CancellationToken.None);
                Assert.All(approvals.Where(a => a.Run == run), a => Assert.Equal(Mandate.Core.Approvals.ApprovalStatus.Withdrawn, a.Status));
            }
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
