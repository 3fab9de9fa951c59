using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Three stateless broker nodes on one PostgreSQL: whatever one node records, every other node acts on, and a
/// revocation made through any node bites on every node at once.
/// </summary>
public sealed class ClusterTests : ClusterTest
{
    private static readonly string[] OutageChecks = ["store.unavailable", "issue.not_recorded"];
    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync();

    [PostgresFact]
    public async Task Credential_IssuedOnA_IsActiveOnC_AndItsKeyIsPublishedByEveryNode()
    {
        var token = await Cluster.A.IssueAsync();

        Assert.True(await Cluster.C.ActiveAsync(token));
        foreach (var node in Cluster.Nodes)
        {
            Assert.True((await IssuedTokens.ValidateWithJwksAsync(node, token, Refunds)).IsValid, $"{node.Options.Node} does not publish the key that signed it");
        }
    }

    [PostgresFact]
    public async Task Invariant6_RevokedOnB_IntrospectionOnC_AnswersInactive()
    {
        var token = await Cluster.A.IssueAsync();
        Assert.True(await Cluster.C.ActiveAsync(token));

        using (var admin = Cluster.B.Admin())
        {
            await admin.RevokeAsync("token", IssuedTokens.Read(token).Id, "incident");
        }

        await ClusterHarness.EventuallyAsync(async () => !await Cluster.C.ActiveAsync(token), ClusterHarness.Propagation, "introspection on node C still says active");
        IntrospectionReply.AssertInactive(await Cluster.C.IntrospectAsync(token, Cluster.C.Svid(RefundsWorkload)));
        IntrospectionReply.AssertInactive(await Cluster.A.IntrospectAsync(token, Cluster.A.Svid(RefundsWorkload)));
    }

    [PostgresFact]
    public async Task RevokedOnB_TheOtherNodesRecordItsPropagationDelay()
    {
        var token = await Cluster.A.IssueAsync();
        using var delays = new MeasurementRecorder<double>(Core.Telemetry.MandateTelemetry.RevocationPropagationDelay);

        using (var admin = Cluster.B.Admin())
        {
            await admin.RevokeAsync("token", IssuedTokens.Read(token).Id, "incident");
        }

        // Nodes A and C apply it from the change feed; B made it and already holds it. The nodes share one clock that
        // does not move here, so each delay is zero; other tests' clusters may add theirs, never fewer.
        await ClusterHarness.EventuallyAsync(() => Task.FromResult(delays.Values.Count(d => Equals(d.Tags["mandate.revocation.target"], "token")) >= 2), ClusterHarness.Propagation, "two nodes recording the delay");
        Assert.All(delays.Values, d => Assert.True(d.Value >= 0));
    }

    [PostgresFact]
    public async Task Invariant6_KillSwitchOnB_RefusesTheAgentOnEveryNode_AndLiftingItOnC_Restores()
    {
        using (var admin = Cluster.B.Admin())
        {
            await admin.RevokeAsync("agent", SupportAgent, "compromised");
        }

        foreach (var node in Cluster.Nodes)
        {
            await ClusterHarness.EventuallyAsync(async () => (await node.ExchangeAsync(node.RefundRequest())).Status != HttpStatusCode.OK, ClusterHarness.Propagation, $"{node.Options.Node} still issues to the disabled agent");
            var refused = await node.ExchangeAsync(node.RefundRequest());
            Assert.Equal("attest.agent_disabled", refused.Member("check_id"));
        }

        using (var admin = Cluster.C.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "rotated");
        }

        await ClusterHarness.EventuallyAsync(async () => (await Cluster.A.ExchangeAsync(Cluster.A.RefundRequest())).Status == HttpStatusCode.OK, ClusterHarness.Propagation, "node A still refuses the re-enabled agent");
    }

    [PostgresFact]
    public async Task Run_StartedOnA_DelegatedOnB_EndedOnC_IsOverOnEveryNode()
    {
        var run = await Cluster.A.StartRunAsync();
        var child = await Cluster.B.DelegateAsync(run, ExecutorAgent);
        var credential = await Cluster.B.IssueInRunAsync(child, ExecutorAgent);
        Assert.True(await Cluster.A.ActiveAsync(credential));

        var ended = await Cluster.C.EndRunAsync(run, SupportAgent);
        Assert.Equal(HttpStatusCode.OK, ended.Status);

        await ClusterHarness.EventuallyAsync(async () => !await Cluster.A.ActiveAsync(credential), ClusterHarness.Propagation, "the credential of the ended run is still active on node A");
        Expect.Refused(await Cluster.A.ExchangeAsync(Cluster.A.InRunRequest(child, ExecutorAgent)), "invalid_request", $"run '{RunExchanges.RunId(child)}' has ended");
        Expect.Refused(await Cluster.B.ExchangeAsync(Cluster.B.RunTokenRequest(run, SupportAgent)), "invalid_request", $"run '{RunExchanges.RunId(run)}' has ended");
    }

    [PostgresFact]
    public async Task Audit_ThreeNodesAppendingAtOnce_OneChainThatVerifies_EachRecordNamesItsNode()
    {
        await Task.WhenAll(Cluster.Nodes.Select(async node =>
        {
            for (var i = 0; i < 15; i++)
            {
                await node.IssueAsync();
            }
        }));

        var verification = await AuditVerifier.VerifyAsync(Cluster.A.Runtime.Store, null, CancellationToken.None);
        Assert.True(verification.IsValid, verification.Message);
        var issuances = await Cluster.C.AuditEventsAsync(AuditKinds.Issuance);
        Assert.Equal(45, issuances.Count);
        Assert.Equal(["node-a", "node-b", "node-c"], issuances.Select(e => e.Node ?? "").Distinct().Order().ToArray());
        Assert.All(issuances.GroupBy(e => e.Node), g => Assert.Equal(15, g.Count()));
    }

    [PostgresFact]
    public async Task StoreOutage_EveryNodeAnswers503AndIssuesNothing_ThenRecoversByItself()
    {
        await Cluster.A.IssueAsync();
        var before = (await Cluster.A.AuditEventsAsync(AuditKinds.Issuance)).Count;

        Cluster.Relay.Cut();
        foreach (var node in Cluster.Nodes)
        {
            var reply = await node.ExchangeAsync(node.RefundRequest());
            Expect.Refused(reply, "temporarily_unavailable");
            // Which read or write meets the cut first decides the check: a read (store.unavailable) or the issuance
            // record's commit (issue.not_recorded). Either way 503 and nothing issued, asserted below.
            Assert.Contains(reply.Member("check_id"), OutageChecks);
        }

        Cluster.Relay.Restore();
        foreach (var node in Cluster.Nodes)
        {
            await ClusterHarness.EventuallyAsync(async () => (await node.ExchangeAsync(node.RefundRequest())).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15), $"{node.Options.Node} did not recover");
        }

        Assert.Equal(before + 3, (await Cluster.A.AuditEventsAsync(AuditKinds.Issuance)).Count);
    }
}
