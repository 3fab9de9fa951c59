using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// The trace of a three-level run (the orchestrator's trees may be two deep) answers the brief's
/// questions from the store alone: every node, every decision with its rule and policy version, every
/// credential with where it was accepted, and how each run ended.
/// </summary>
public sealed class RunTraceTests : BrokerTest
{
    [Fact]
    public async Task Trace_ThreeLevelRun_ShowsEveryNodeDecisionAndCredential()
    {
        var tree = await RunTreeAsync();

        var trace = await RunTraceBuilder.BuildAsync(Broker.Runtime.Store, RunId(tree.Grandchild), CancellationToken.None);

        Assert.NotNull(trace);
        var child = Assert.Single(trace.Children);
        var grandchild = Assert.Single(child.Children);
        Assert.Empty(grandchild.Children);
        AssertNode(trace, tree.Root, OrchestratorAgent, "orchestrator-refunds", tree.RootCredential);
        AssertNode(child, tree.Child, ExecutorAgent, "executor-refunds-for-supervisor", tree.ChildCredential);
        AssertNode(grandchild, tree.Grandchild, CheckerAgent, "checker-reads-refunds", tree.GrandchildCredential);
        Assert.Equal([OrchestratorAgent, ExecutorAgent, CheckerAgent], grandchild.Run.Actors);
        Assert.Equal(2, grandchild.Run.Depth);
    }

    [Fact]
    public async Task Trace_EndedRun_EveryNodeRecordsHowItEnded()
    {
        var tree = await RunTreeAsync();
        await Broker.EndRunAsync(tree.Root, OrchestratorAgent);
        foreach (var credential in new[] { tree.RootCredential, tree.ChildCredential, tree.GrandchildCredential })
        {
            Assert.False(await Broker.ActiveAsync(credential));
        }

        var trace = await RunTraceBuilder.BuildAsync(Broker.Runtime.Store, RunId(tree.Root), CancellationToken.None);

        foreach (var node in new[] { trace!, trace!.Children[0], trace.Children[0].Children[0] })
        {
            var ended = Assert.Single(node.Lifecycle, r => r.Event.Kind == AuditKinds.Run && r.Event.Outcome == "ended");
            Assert.Equal(OrchestratorAgent, ended.Event.Evidence["ended_by"]);
            Assert.Equal(RunId(tree.Root), ended.Event.Evidence["ended_with"]);
            Assert.Contains(node.Credentials[0].Introspections, r => r.Event.Outcome == "rejected" && r.Event.Reason!.Contains("run revocation", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Trace_PolicyDenyInsideTheRun_IsAmongTheRunsDecisions()
    {
        var tree = await RunTreeAsync();
        await Broker.WritePolicyAsync(TestBroker.Policy.Replace("scopes: [refunds:read, refunds:write]\n\n  - id: executor", "scopes: [refunds:read]\n\n  - id: executor", StringComparison.Ordinal));
        Assert.True((await Broker.Runtime.Policy.ReloadAsync()).IsValid);

        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(tree.Root, OrchestratorAgent)), "invalid_scope", "'orchestrator-refunds'");

        var trace = await RunTraceBuilder.BuildAsync(Broker.Runtime.Store, RunId(tree.Root), CancellationToken.None);
        var deny = Assert.Single(trace!.Decisions, r => r.Event.Outcome == "deny");
        // A default deny has no rule of its own; its reason names the allow rule that came nearest.
        Assert.Null(deny.Event.Rule);
        Assert.Contains("'orchestrator-refunds'", deny.Event.Reason, StringComparison.Ordinal);
        Assert.Equal("refunds", deny.Event.Tool);
        Assert.Equal(Broker.Runtime.Policy.Current.Version, deny.Event.PolicyVersion);
        Assert.NotEqual(deny.Event.PolicyVersion, trace.Decisions[0].Event.PolicyVersion);
    }

    [Fact]
    public async Task Trace_AdminSocket_ServesTheTreeAsJson()
    {
        var tree = await RunTreeAsync();

        var reply = await AdminSocket.GetAsync(Broker, $"admin/runs/{RunId(tree.Child)}/trace");

        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        var root = reply.Json;
        Assert.Equal(RunId(tree.Root), root.GetProperty("run").GetProperty("id").GetString());
        var grandchild = root.GetProperty("children")[0].GetProperty("children")[0];
        Assert.Equal(CheckerAgent, grandchild.GetProperty("run").GetProperty("agent").GetString());
        Assert.Equal(RunId(tree.Child), grandchild.GetProperty("run").GetProperty("parent").GetString());
        var credential = grandchild.GetProperty("credentials")[0];
        Assert.Equal(IssuedTokens.Read(tree.GrandchildCredential).Id, credential.GetProperty("jti").GetString());
        Assert.Equal([RefundsWorkload], credential.GetProperty("accepted_by").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("checker-reads-refunds", grandchild.GetProperty("decisions")[0].GetProperty("event").GetProperty("rule").GetString());
    }

    private void AssertNode(RunTrace node, string runToken, string agent, string rule, string credential)
    {
        Assert.Equal(RunId(runToken), node.Run.Id);
        Assert.Equal(agent, node.Run.Agent);
        Assert.Equal("alice", node.Run.User);
        Assert.Equal("acme", node.Run.Tenant);
        // The decision that started or delegated the run is its own record; an allowed credential's
        // decision travels in its issuance record (one audit record per allowed exchange).
        var decision = Assert.Single(node.Decisions);
        Assert.Equal("allow", decision.Event.Outcome);
        Assert.Equal(rule, decision.Event.Rule);
        Assert.Equal(Broker.Runtime.Policy.Current.Version, decision.Event.PolicyVersion);
        Assert.Equal(agent, decision.Event.Agent);
        var issued = Assert.Single(node.Credentials);
        Assert.Equal(rule, issued.Issuance.Event.Rule);
        Assert.Equal(Broker.Runtime.Policy.Current.Version, issued.Issuance.Event.PolicyVersion);
        Assert.Equal(IssuedTokens.Read(credential).GetPayloadValue<string>("dec"), issued.Issuance.Event.DecisionId);
        Assert.Equal(IssuedTokens.Read(credential).Id, issued.Jti);
        Assert.Equal([RefundsWorkload], issued.AcceptedBy);
        Assert.Equal(Broker.Runtime.Keys.Current.Active.Kid, issued.Issuance.Event.Evidence["kid"]);
        Assert.Equal("node-a", issued.Issuance.Event.Node);
        Assert.Null(issued.Revocation);
        Assert.Contains(node.Lifecycle, r => r.Event.Kind == AuditKinds.Run && r.Event.Outcome is "started" or "delegated");
    }

    /// <summary>orchestrator → executor → checker, each with a refunds credential the refunds tool accepted.</summary>
    private async Task<(string Root, string RootCredential, string Child, string ChildCredential, string Grandchild, string GrandchildCredential)> RunTreeAsync()
    {
        var root = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(root, ExecutorAgent);
        var grandchild = await Broker.DelegateAsync(child, CheckerAgent, "refunds:read");
        var tree = (root, await Broker.IssueInRunAsync(root, OrchestratorAgent),
            child, await Broker.IssueInRunAsync(child, ExecutorAgent),
            grandchild, await Broker.IssueInRunAsync(grandchild, CheckerAgent, scope: "refunds:read"));
        foreach (var credential in new[] { tree.Item2, tree.Item4, tree.Item6 })
        {
            Assert.True(await Broker.ActiveAsync(credential));
        }

        return tree;
    }
}
