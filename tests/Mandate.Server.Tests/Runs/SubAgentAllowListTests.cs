using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 3 for who delegates to whom: an agent's <c>sub_agents</c> names the agents that may present its run token
/// to act below it. Another registered agent holding that run token gets no child run, however the policy reads.
/// </summary>
[Trait("Invariant", "3")]
public sealed class SubAgentAllowListTests : BrokerTest
{
    /// <summary>The orchestrator hands work to the executor only; the support agent to no one; the executor on to the checker.</summary>
    protected override string Configuration => TestBroker.Configuration
        .Replace($"{{ id: {SupportAgent}, tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 3m, max_delegation_depth: 1 }}",
            $"{{ id: {SupportAgent}, tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 3m, max_delegation_depth: 1, sub_agents: [] }}", StringComparison.Ordinal)
        .Replace($"{{ id: {OrchestratorAgent}, tenants: [acme], tools: [refunds, crm], max_delegation_depth: 2 }}",
            $"{{ id: {OrchestratorAgent}, tenants: [acme], tools: [refunds, crm], max_delegation_depth: 2, sub_agents: [{ExecutorAgent}] }}", StringComparison.Ordinal)
        .Replace($"{{ id: {ExecutorAgent}, tenants: [acme], tools: [refunds] }}",
            $"{{ id: {ExecutorAgent}, tenants: [acme], tools: [refunds], sub_agents: [{CheckerAgent}] }}", StringComparison.Ordinal);

    [Fact]
    public async Task Invariant3_AgentTheParentDoesNotName_GetsNoChildRun()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, CheckerAgent), CheckerAgent, OrchestratorAgent);
    }

    [Fact]
    public async Task Invariant3_ParentNamingNoSubAgents_DelegatesToNoOne()
    {
        var parent = await Broker.StartRunAsync();

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent), ExecutorAgent, SupportAgent);
    }

    [Fact]
    public async Task Invariant3_GrandchildTheSubAgentDoesNotName_GetsNoRun()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:read");

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(child, InternAgent), InternAgent, ExecutorAgent);
    }

    [Fact]
    public async Task NamedSubAgents_DelegateAndAreIssuedCredentialsDownTheChain()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:read");
        var grandchild = await Broker.DelegateAsync(child, CheckerAgent, "refunds:read");

        var credential = await Broker.IssueInRunAsync(grandchild, CheckerAgent, scope: "refunds:read");

        Assert.Equal([CheckerAgent, ExecutorAgent, OrchestratorAgent], ActChain(grandchild));
        Assert.True(await Broker.ActiveAsync(credential));
    }

    private async Task RefusedWithoutChangeAsync(ExchangeRequest request, string subAgent, string parentAgent)
    {
        var runs = await Broker.Runtime.Store.ListRunsAsync(new RunQuery(), CancellationToken.None);
        var before = await Broker.ReadAuditAsync();

        var reply = await Broker.ExchangeAsync(request);

        Expect.Refused(reply, "invalid_request", $"agent '{subAgent}' may not act as a sub-agent of '{parentAgent}'", "agents[].sub_agents");
        Assert.Equal("resolve.sub_agent_not_allowed", reply.Member("check_id"));
        Assert.Equal(runs.Count, (await Broker.Runtime.Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Count);
        var added = (await Broker.ReadAuditAsync()).Skip(before.Count).Select(r => r.TryReadEvent()!).ToList();
        Assert.True(added.Count <= 1, $"expected at most the refusal's own record, got {added.Count}");
        Assert.All(added, e => Assert.True(e.Kind != AuditKinds.Issuance && e.Kind != AuditKinds.Run && e.Outcome != "allow", $"{e.Kind} {e.Outcome}"));
    }
}
