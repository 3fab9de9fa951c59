using System.Net;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// A revocation through one node raced with issuance on another (docs/deployment.md, "Revocation across nodes"): the
/// revoking node refuses from the moment the revocation returns, the other within the propagation bound, and whatever
/// the other node issued meanwhile is inactive everywhere once it has heard, so nothing it issued outlives the revocation.
/// </summary>
public sealed class ClusterRevocationRaceTests : ClusterTest
{
    private const int Rounds = 10;

    /// <summary>Issue requests the racing node sends per round, one after another, while the revocation is made.</summary>
    private const int Attempts = 8;

    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2);

    [PostgresFact]
    public async Task Invariant6_RunRevokedOnAWhileBIssuesInIt_NothingBIssuedStaysActive_AndBothNodesRefuseAfter()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var run = await Cluster.A.StartRunAsync();
            await RaceAsync(
                revoke: admin => admin.RevokeAsync("run", RunExchanges.RunId(run), "raced"),
                issue: node => node.ExchangeAsync(node.InRunRequest(run)),
                refusedAs: "standing.run_revoked");
        }
    }

    [PostgresFact]
    public async Task Invariant6_UserRevokedOnAWhileBIssuesForThem_NothingBIssuedStaysActive_AndBothNodesRefuseAfter()
    {
        for (var round = 0; round < Rounds; round++)
        {
            // A user revocation is kept for good: each round revokes a user of its own.
            var user = $"user-{round}";
            var userToken = Cluster.B.UserToken(user);
            await RaceAsync(
                revoke: admin => admin.RevokeAsync("user", user, "raced"),
                issue: node => node.ExchangeAsync(node.RefundRequest() with { SubjectToken = userToken }),
                refusedAs: "standing.user_revoked");
        }
    }

    [PostgresFact]
    public async Task Invariant6_KillSwitchOnAAndLiftedOnBAtOnce_BothNodesSettleOnWhatTheStoreHolds()
    {
        using var adminA = Cluster.A.Admin();
        using var adminB = Cluster.B.Admin();
        for (var round = 0; round < Rounds; round++)
        {
            // A kill switch is lifted at least a second after it was set (docs/runs.md).
            Cluster.Clock.Advance(TimeSpan.FromSeconds(2));
            var outcomes = await ClusterRace.AtOnceAsync(
                async () =>
                {
                    await adminA.RevokeAsync("agent", SupportAgent, "raced");
                    return true;
                },
                async () =>
                {
                    try
                    {
                        await adminB.EnableAgentAsync(SupportAgent, "raced");
                        return true;
                    }
                    catch (Mandate.Client.MandateErrorException e) when (e.Status == 409)
                    {
                        // The switch was not set yet when B was asked to lift it.
                        return false;
                    }
                });

            var disabled = !outcomes[1];
            foreach (var node in Cluster.Nodes)
            {
                await ClusterHarness.EventuallyAsync(
                    async () => (await node.ExchangeAsync(node.RefundRequest())).Status == (disabled ? HttpStatusCode.BadRequest : HttpStatusCode.OK),
                    ClusterHarness.Propagation,
                    $"round {round}: {node.Options.Node} does not settle on the agent being {(disabled ? "disabled" : "enabled")}");
            }

            if (disabled)
            {
                Cluster.Clock.Advance(TimeSpan.FromSeconds(2));
                await adminA.EnableAgentAsync(SupportAgent, "next round");
                await ClusterHarness.EventuallyAsync(async () => (await Cluster.B.ExchangeAsync(Cluster.B.RefundRequest())).Status == HttpStatusCode.OK, ClusterHarness.Propagation, "node B still refuses the re-enabled agent");
            }
        }
    }

    /// <summary>
    /// Node A revokes through its admin socket while node B keeps issuing; then checks the documented bound exactly:
    /// A refuses at once, B within <see cref="ClusterHarness.Propagation"/>, and every credential B issued is inactive.
    /// </summary>
    private async Task RaceAsync(Func<Mandate.Client.MandateAdminClient, Task> revoke, Func<BrokerHarness, Task<OAuthReply>> issue, string refusedAs)
    {
        var issued = new List<string>();
        using var admin = Cluster.A.Admin();
        await ClusterRace.AtOnceAsync(
            async () =>
            {
                await revoke(admin);
                return true;
            },
            async () =>
            {
                for (var i = 0; i < Attempts; i++)
                {
                    var reply = await issue(Cluster.B);
                    if (reply.Status != HttpStatusCode.OK)
                    {
                        // Invariant 7: the refusal is the standard one, never a server error.
                        Expect.Refused(reply, "invalid_request");
                        Assert.Equal(refusedAs, reply.Member("check_id"));
                        break;
                    }

                    issued.Add(reply.AccessToken!);
                }

                return true;
            });

        // The revoking node has applied the revocation before it answered: no wait here.
        var onA = await issue(Cluster.A);
        Expect.Refused(onA, "invalid_request");
        Assert.Equal(refusedAs, onA.Member("check_id"));
        foreach (var credential in issued)
        {
            Assert.False(await Cluster.A.ActiveAsync(credential), "a credential node B issued during the revocation is active on node A");
        }

        await ClusterHarness.EventuallyAsync(async () => (await issue(Cluster.B)).Status != HttpStatusCode.OK, ClusterHarness.Propagation, "node B still issues after the revocation");
        foreach (var credential in issued)
        {
            Assert.False(await Cluster.B.ActiveAsync(credential), "a credential node B issued during the revocation is active on node B");
        }
    }
}
