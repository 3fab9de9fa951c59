using System.Net;
using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.SenderConstraint;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Every single-use thing raced as an attacker would: the same DPoP proof, the same approval, sent to two nodes at the
/// same instant, round after round. Exactly one wins; the other gets the standard refusal and nothing is issued for it.
/// </summary>
public sealed class ClusterSingleUseRaceTests
{
    [PostgresFact]
    public async Task Invariant7_DpopProofRacedOnTwoNodes_ExactlyOneIssues_TheOtherIsRefusedAsReplayed()
    {
        await using var cluster = await ClusterHarness.StartAsync(nodes: 2);
        using var key = new DpopProofs();
        for (var round = 0; round < ClusterRace.Rounds; round++)
        {
            // RFC 9449 §11.1: the server MUST NOT accept a replayed proof within its window, whichever node sees it.
            var proof = key.Create("POST", Issuer + "/oauth2/token", cluster.Clock.GetUtcNow());
            var (toA, toB) = (cluster.A.RefundRequest(), cluster.B.RefundRequest());

            var replies = await ClusterRace.AtOnceAsync(
                () => DpopRequests.ExchangeAsync(cluster.A, toA, proof),
                () => DpopRequests.ExchangeAsync(cluster.B, toB, proof));

            var issued = Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
            Assert.Equal("DPoP", issued.Member("token_type"));
            var replayed = Assert.Single(replies, r => r.Status != HttpStatusCode.OK);
            Expect.Refused(replayed, "invalid_dpop_proof");
            Assert.Equal("binding.dpop_proof_replayed", replayed.Member("check_id"));
        }

        Assert.Equal(ClusterRace.Rounds, (await cluster.A.AuditEventsAsync(AuditKinds.Issuance)).Count);
    }

    [PostgresFact]
    public async Task Invariant7_ApprovedRequestCollectedOnTwoNodesAtOnce_OneCredential_TheOtherInvalidGrant()
    {
        await using var cluster = await ClusterHarness.StartAsync(nodes: 2, policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        for (var round = 0; round < ClusterRace.Rounds; round++)
        {
            var id = await ClusterApprovals.AskAsync(cluster.A, 250 + round);
            using (var admin = cluster.B.Admin())
            {
                await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
            }

            cluster.Clock.Advance(ClusterApprovals.PollInterval);

            var replies = await ClusterRace.AtOnceAsync(() => ClusterApprovals.PollAsync(cluster.A, id), () => ClusterApprovals.PollAsync(cluster.B, id));

            // Approvals are single use (docs/token-format.md): RFC 6749 §5.2 invalid_grant for a grant already used.
            var collected = Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
            var refused = Assert.Single(replies, r => r.Status != HttpStatusCode.OK);
            Expect.Refused(refused, "invalid_grant");
            Assert.Equal(ApprovalChecks.Consumed.Id, refused.Member("check_id"));
            var stored = await cluster.A.Runtime.Store.GetApprovalAsync(id, CancellationToken.None);
            Assert.Equal((ApprovalStatus.Consumed, IssuedTokens.Read(collected.AccessToken!).Id), (stored!.Status, stored.Jti));
        }

        var issuances = await cluster.A.AuditEventsAsync(AuditKinds.Issuance);
        Assert.Equal(ClusterRace.Rounds, issuances.Count);
        Assert.Equal(ClusterRace.Rounds, issuances.Select(e => e.Jti).Distinct().Count());
    }

    [PostgresFact]
    public async Task Invariant7_ApprovedOnOneNodeDeniedOnTheOtherAtOnce_OneDecisionStands_AndThePollFollowsIt()
    {
        await using var cluster = await ClusterHarness.StartAsync(nodes: 2, policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        using var adminA = cluster.A.Admin();
        using var adminB = cluster.B.Admin();
        for (var round = 0; round < ClusterRace.Rounds; round++)
        {
            var id = await ClusterApprovals.AskAsync(cluster.A, 250 + round);

            var decisions = await ClusterRace.AtOnceAsync(
                () => DecideAsync(adminA, id, approve: true),
                () => DecideAsync(adminB, id, approve: false));

            // One decision is recorded; the other is told the approval is no longer pending (409) and changes nothing.
            var winner = Assert.Single(decisions, d => d.Refusal is null);
            var loser = Assert.Single(decisions, d => d.Refusal is not null);
            Assert.Equal(409, loser.Refusal!.Status);
            var stored = await cluster.B.Runtime.Store.GetApprovalAsync(id, CancellationToken.None);
            Assert.Equal(winner.Approve ? ApprovalStatus.Approved : ApprovalStatus.Denied, stored!.Status);
            Assert.Single(await cluster.A.AuditEventsAsync(AuditKinds.ApprovalDecided), e => e.Evidence["approval_id"] == id);

            cluster.Clock.Advance(ClusterApprovals.PollInterval);
            var poll = await ClusterApprovals.PollAsync(round % 2 == 0 ? cluster.A : cluster.B, id);
            if (winner.Approve)
            {
                Expect.Issued(poll);
            }
            else
            {
                Expect.Refused(poll, "access_denied");
            }
        }
    }

    private static async Task<(bool Approve, MandateErrorException? Refusal)> DecideAsync(MandateAdminClient admin, string id, bool approve)
    {
        try
        {
            await admin.DecideApprovalAsync(id, approve, approve ? "admin:carol" : "admin:dave", "raced");
            return (approve, null);
        }
        catch (MandateErrorException e)
        {
            return (approve, e);
        }
    }
}
