using System.Net;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.SenderConstraint;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Policy state lives in the store, not in a node: approvals asked on one node are decided and collected on
/// others, a rate limit counts every node's credentials, a DPoP proof is used once across the cluster and a
/// DPoP nonce from one node is good on all.
/// </summary>
public sealed class ClusterStateTests
{
    private const string RateLimitedPolicy = """
        rules:
          - id: support-refunds-five-per-user
            reason: At most five refund credentials per user per hour, whichever node issues them.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: { per: user, max: 5, window: 1h }
        """;

    [PostgresFact]
    public async Task Approval_AskedOnA_ApprovedOnC_CollectedOnB_OnceOnly()
    {
        await using var cluster = await ClusterHarness.StartAsync(policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        var ask = await cluster.A.PostFormAsync("oauth2/token", cluster.A.RefundRequest().ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        Assert.True(ask.Error == "authorization_pending", ask.ToString());
        var id = ask.Member("auth_req_id") ?? throw new Xunit.Sdk.XunitException("no auth_req_id");

        cluster.Clock.Advance(ClusterApprovals.PollInterval);
        Expect.Refused(await ClusterApprovals.PollAsync(cluster.B, id), "authorization_pending");
        using (var admin = cluster.C.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
        }

        cluster.Clock.Advance(ClusterApprovals.PollInterval);
        Expect.Issued(await ClusterApprovals.PollAsync(cluster.B, id));
        cluster.Clock.Advance(ClusterApprovals.PollInterval);
        Expect.Refused(await ClusterApprovals.PollAsync(cluster.A, id), "invalid_grant");
    }

    [PostgresFact]
    public async Task Approval_SlowDownOnB_HeldOnA_AndOfPollsOnBothAtOnceOneIsPending()
    {
        await using var cluster = await ClusterHarness.StartAsync(policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        var ask = await cluster.A.PostFormAsync("oauth2/token", cluster.A.RefundRequest().ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        var id = ask.Member("auth_req_id") ?? throw new Xunit.Sdk.XunitException(ask.ToString());
        Expect.Refused(await ClusterApprovals.PollAsync(cluster.A, id), "authorization_pending");

        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Expect.Refused(await ClusterApprovals.PollAsync(cluster.B, id), "slow_down", "poll at most every 10 seconds");
        cluster.Clock.Advance(TimeSpan.FromSeconds(6));
        Expect.Refused(await ClusterApprovals.PollAsync(cluster.A, id), "slow_down", "sooner than 10 seconds", "poll at most every 15 seconds");

        cluster.Clock.Advance(TimeSpan.FromSeconds(15));
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => new[] { ClusterApprovals.PollAsync(cluster.A, id), ClusterApprovals.PollAsync(cluster.B, id) }));
        Assert.Single(replies, r => r.Error == "authorization_pending");
        Assert.All(replies, r => Assert.True(r.Error is "authorization_pending" or "slow_down", r.ToString()));
    }

    [PostgresFact]
    public async Task Approval_AskedOnA_RetriedOnB_AnsweredWithTheSameAuthReqId()
    {
        await using var cluster = await ClusterHarness.StartAsync(policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        var request = cluster.A.RefundRequest();
        var ask = await cluster.A.PostFormAsync("oauth2/token", request.ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        Assert.True(ask.Error == "authorization_pending", ask.ToString());

        var retry = await cluster.B.PostFormAsync("oauth2/token", request.ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));

        Expect.Refused(retry, "authorization_pending");
        Assert.Equal(ask.Member("auth_req_id"), retry.Member("auth_req_id"));
    }

    [PostgresFact]
    public async Task Approval_AskedOnAAndBAtTheSameInstant_OneApprovalBothAnsweredWithItsAuthReqId()
    {
        await using var cluster = await ClusterHarness.StartAsync(policy: ApprovalTest.ApprovalPolicy, configuration: ApprovalTest.ApprovalConfiguration);
        for (var round = 0; round < 5; round++)
        {
            var request = cluster.A.RefundRequest().ToForm().Append(new("authorization_details", $$"""[{"type":"refund","amount":{{250 + round}},"currency":"EUR"}]""")).ToList();

            var asked = await Task.WhenAll(cluster.A.PostFormAsync("oauth2/token", request), cluster.B.PostFormAsync("oauth2/token", request));

            Assert.All(asked, reply => Expect.Refused(reply, "authorization_pending"));
            Assert.Equal(asked[0].Member("auth_req_id"), asked[1].Member("auth_req_id"));
        }

        Assert.Equal(5, (await cluster.A.Runtime.Store.ListApprovalsAsync(null, 100, CancellationToken.None)).Count);
    }

    [PostgresFact]
    public async Task RateLimit_SpreadOverThreeNodes_HoldsClusterWide()
    {
        await using var cluster = await ClusterHarness.StartAsync(policy: RateLimitedPolicy);
        var issued = 0;
        for (var i = 0; i < 9; i++)
        {
            var node = cluster.Nodes[i % 3];
            var reply = await node.ExchangeAsync(node.RefundRequest());
            if (reply.Status == HttpStatusCode.OK)
            {
                issued++;
            }
            else
            {
                Expect.Refused(reply, "invalid_target", "support-refunds-five-per-user", "the limit is reached");
            }
        }

        Assert.Equal(5, issued);
    }

    [PostgresFact]
    public async Task DpopProof_UsedOnA_ReplayedOnB_IsRefused()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        using var key = new DpopProofs();
        var proof = key.Create("POST", Issuer + "/oauth2/token", cluster.Clock.GetUtcNow());

        Expect.Issued(await DpopRequests.ExchangeAsync(cluster.A, cluster.A.RefundRequest(), proof));
        var replay = await DpopRequests.ExchangeAsync(cluster.B, cluster.B.RefundRequest(), proof);
        Expect.Refused(replay, "invalid_dpop_proof");
        Assert.Equal("binding.dpop_proof_replayed", replay.Member("check_id"));
    }

    [PostgresFact]
    public async Task DpopNonce_HandedOutByA_IsAcceptedByB()
    {
        await using var cluster = await ClusterHarness.StartAsync(configuration: Configuration + "\ndpop: { require_nonce: true }\n");
        using var key = new DpopProofs();
        var tokenUrl = Issuer + "/oauth2/token";
        var first = await DpopRequests.ExchangeAsync(cluster.A, cluster.A.RefundRequest(), key.Create("POST", tokenUrl, cluster.Clock.GetUtcNow()));
        var nonce = first.Header("DPoP-Nonce");
        Assert.False(string.IsNullOrEmpty(nonce), first.ToString());

        Expect.Issued(await DpopRequests.ExchangeAsync(cluster.B, cluster.B.RefundRequest(), key.Create("POST", tokenUrl, cluster.Clock.GetUtcNow(), nonce: nonce)));
    }
}
