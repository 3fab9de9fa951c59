using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 3 across a policy change: a run's envelope is pinned when it starts, but what the run's agent may still
/// do is decided against the policy in force, for its credentials and renewals and also when it hands work to a
/// sub-agent. A parent cannot pass on a scope the current policy no longer lets it use itself.
/// </summary>
[Trait("Invariant", "3")]
public sealed class DelegatorPolicyTests : BrokerTest
{
    private const string DenySupportWrites = """

          - id: deny-support-refund-writes
            reason: Support agents may no longer write refunds.
            effect: deny
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:write]
        """;

    private const string DenyOrchestratorReads = """

          - id: deny-orchestrator-refund-reads
            reason: The orchestrator may no longer read refunds.
            effect: deny
            agents: ["spiffe://acme.example/agents/orchestrator"]
            tools: [refunds]
            scopes: [refunds:read]
        """;

    [Fact]
    public async Task Invariant3_DenyRuleOnTheParentAddedAfterTheRunStarted_DelegatingTheDeniedScopeIsRefused()
    {
        var parent = await Broker.StartRunAsync();
        await ReloadAsync(Policy + DenySupportWrites);
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(parent)), "invalid_scope", "'deny-support-refund-writes'");

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write"));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{SupportAgent}'", "'deny-support-refund-writes'", "refunds:write");
        Assert.Equal("decide.delegator_not_allowed", reply.Member("check_id"));
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task Invariant3_ParentsRuleNarrowedAfterTheRunStarted_ChildCannotGetTheDroppedScope()
    {
        var narrowed = Policy.Replace(
            "tools: [refunds]\n    scopes: [refunds:read, refunds:write]\n    tenant: same_as_user",
            "tools: [refunds]\n    scopes: [refunds:read]\n    tenant: same_as_user",
            StringComparison.Ordinal);
        Assert.NotEqual(Policy, narrowed);
        var parent = await Broker.StartRunAsync();
        await ReloadAsync(narrowed);

        var refused = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:read refunds:write"));
        var inherited = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent));

        Expect.Refused(refused, "invalid_scope", $"delegating agent '{SupportAgent}'", "'support-refunds-own-tenant'", "refunds:write");
        Expect.Refused(inherited, "invalid_scope", $"delegating agent '{SupportAgent}'", "refunds:write");
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task Invariant3_DenyRuleOnTheRootAddedAfterTheTreeStarted_MiddleAgentCannotHandTheScopeOn()
    {
        var root = Expect.Issued(await Broker.ExchangeAsync(Broker.StartRunRequest(OrchestratorAgent, "refunds:read")));
        var middle = await Broker.DelegateAsync(root, CheckerAgent);
        await ReloadAsync(Policy + DenyOrchestratorReads);

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(middle, ExecutorAgent));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{OrchestratorAgent}'", RunId(root), "'deny-orchestrator-refund-reads'");
        Assert.Equal("decide.delegator_not_allowed", reply.Member("check_id"));
        Assert.Equal(2, (await RunsAsync()).Count);
    }

    [Fact]
    public async Task Invariant3_DenyRuleOnTheParentAddedAfterTheChildStarted_ChildCannotRenewTheScope()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        await ReloadAsync(Policy + DenySupportWrites);

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(child, ExecutorAgent));

        Expect.Refused(reply, "invalid_scope", $"delegating agent '{SupportAgent}'", "'deny-support-refund-writes'");
        Assert.Equal("decide.delegator_not_allowed", reply.Member("check_id"));
        var refusal = Assert.Single(await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.Decision), e => e.Outcome == "deny");
        Assert.Equal((ExecutorAgent, SupportAgent), (refusal.Agent, refusal.Evidence["delegator"]));
        Assert.DoesNotContain(await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.Run), e => e.Outcome == "renewed");
    }

    [Fact]
    public async Task Delegate_ParentStillAllowedTheDelegatedScope_ChildIsCreatedUnderTheNewPolicy()
    {
        var parent = await Broker.StartRunAsync();
        await ReloadAsync(Policy + DenySupportWrites);

        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:read");

        Assert.Equal("""{"refunds":["refunds:read"]}""", Azd(child).GetProperty("tools").GetRawText());
        Assert.Equal(2, (await RunsAsync()).Count);
    }

    private async Task ReloadAsync(string policy)
    {
        await Broker.WritePolicyAsync(policy);
        Assert.True((await Broker.Runtime.Policy.ReloadAsync()).IsValid);
    }

    private Task<IReadOnlyList<Mandate.Core.Runs.RunRecord>> RunsAsync() =>
        Broker.Runtime.Store.ListRunsAsync(new Mandate.Core.Runs.RunQuery(), CancellationToken.None);
}
