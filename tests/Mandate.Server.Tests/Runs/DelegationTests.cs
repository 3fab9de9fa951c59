using System.Text.Json;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// A sub-agent presents its parent's run token and its own identity and gets a child run: never wider,
/// longer, deeper or in another tenant than the parent, decided by policy for the sub-agent itself, with
/// the delegation chain nested in every token it is issued.
/// </summary>
public sealed class DelegationTests : BrokerTest
{
    [Fact]
    public async Task Delegate_NarrowerScope_ChildRunTokenNestsTheChainAndNamesTheParent()
    {
        var parent = await Broker.StartRunAsync();

        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var jwt = IssuedTokens.Read(child);
        var azd = Azd(child);
        Assert.NotEqual(RunId(parent), RunId(child));
        Assert.Equal([ExecutorAgent, SupportAgent], ActChain(child));
        Assert.Equal(RunId(parent), azd.GetProperty("parent_run").GetString());
        Assert.Equal(1, azd.GetProperty("depth").GetInt32());
        Assert.Equal(1, azd.GetProperty("max_depth").GetInt32());
        Assert.Equal("acme", azd.GetProperty("tenant").GetString());
        Assert.Equal("alice", azd.GetProperty("user").GetString());
        Assert.Equal("""{"refunds":["refunds:write"]}""", azd.GetProperty("tools").GetRawText());
        Assert.Equal(ExecutorAgent, jwt.GetPayloadValue<JsonElement>("rctx").GetProperty("req_wl").GetString());
        Assert.Equal("alice", jwt.Subject);
        var record = await ForgedRunTokens.RecordOfAsync(Broker, child);
        Assert.Equal(RunId(parent), record.ParentId);
        Assert.Equal($"{RunId(parent)}/{RunId(child)}", record.Lineage);
        Assert.Equal([SupportAgent, ExecutorAgent], record.Actors);
    }

    [Fact]
    public async Task Delegate_ChildsCredential_CarriesTheNestedChainAndTheChildRun()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var credential = await Broker.IssueInRunAsync(child, ExecutorAgent);

        var jwt = IssuedTokens.Read(credential);
        Assert.Equal([ExecutorAgent, SupportAgent], ActChain(credential));
        Assert.Equal(RunId(child), jwt.GetPayloadValue<string>("run"));
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal("acme", jwt.GetPayloadValue<string>("tenant"));
        Assert.True(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task Delegate_WithoutScope_InheritsOnlyTheToolsTheSubAgentDeclared()
    {
        var parent = await Broker.StartRunAsync(scope: "refunds:read refunds:write crm:read");

        var child = await Broker.DelegateAsync(parent, ExecutorAgent);

        Assert.Equal("""{"refunds":["refunds:read","refunds:write"]}""", Azd(child).GetProperty("tools").GetRawText());
    }

    [Fact]
    public async Task Delegate_WiderScopeThanTheParent_ReturnsInvalidScopeNamingTheExcess()
    {
        var parent = await Broker.StartRunAsync(scope: "refunds:write");

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:read refunds:write"));

        Expect.Refused(reply, "invalid_scope", $"would exceed its parent run '{RunId(parent)}': refunds/refunds:read is not in the parent's envelope (refunds:write)");
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task Delegate_LongerLifetimeThanTheParentsRunToken_ReturnsInvalidRequest()
    {
        var parent = await Broker.StartRunAsync();
        Broker.Clock.Advance(TimeSpan.FromMinutes(5));

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write") with { RequestedLifetime = 11 * 60 });

        Expect.Refused(reply, "invalid_request", "requested_lifetime 660s is longer than the expiry of the parent's run token allows (600s)");
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task Delegate_LateInTheParentsRunToken_ChildExpiresWithIt()
    {
        var parent = await Broker.StartRunAsync();
        Broker.Clock.Advance(TimeSpan.FromMinutes(5));

        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        Assert.Equal(IssuedTokens.Read(parent).GetPayloadValue<long>("exp"), IssuedTokens.Read(child).GetPayloadValue<long>("exp"));
        var parentRun = await ForgedRunTokens.RecordOfAsync(Broker, parent);
        Assert.True((await ForgedRunTokens.RecordOfAsync(Broker, child)).ExpiresAt <= parentRun.ExpiresAt);
    }

    [Fact]
    public async Task Delegate_OtherTenant_ReturnsInvalidTarget()
    {
        var parent = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write") with { Tenant = "globex" });

        Expect.Refused(reply, "invalid_target", "the run is in tenant 'acme'; a run cannot switch tenant (requested 'globex')");
    }

    [Fact]
    public async Task Delegate_SubAgentNotRegisteredForTheRunsTenant_ReturnsInvalidTarget()
    {
        var parent = await Broker.StartRunAsync(subjectToken: Broker.UserToken("bob", "globex"));

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write"));

        Expect.Refused(reply, "invalid_target", $"sub-agent '{ExecutorAgent}' is not registered for tenant 'globex'");
    }

    [Fact]
    public async Task Delegate_GrandchildBeyondTheTreesDepth_ReturnsInvalidRequestNamingTheLimit()
    {
        // The support agent's max_delegation_depth is 1: a child, never a grandchild.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:read refunds:write");

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(child, CheckerAgent, "refunds:read"));

        Expect.Refused(reply, "invalid_request", $"delegation depth 2 exceeds the limit 1 of this run tree (agents[].max_delegation_depth of '{SupportAgent}')");
        Assert.Equal(2, (await RunsAsync()).Count);
    }

    [Fact]
    public async Task Delegate_SubAgentWithAHigherLimitOfItsOwn_CannotRaiseTheTreesLimit()
    {
        // The orchestrator may start trees two deep, but under the support agent's run the limit stays 1.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, OrchestratorAgent, "refunds:read");

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(child, CheckerAgent, "refunds:read"));

        Expect.Refused(reply, "invalid_request", "delegation depth 2 exceeds the limit 1");
    }

    [Fact]
    public async Task Delegate_ScopeOfAToolTheSubAgentDidNotDeclare_ReturnsInvalidScope()
    {
        var parent = await Broker.StartRunAsync(scope: "refunds:write crm:read");

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write crm:read"));

        Expect.Refused(reply, "invalid_scope", $"scope 'crm:read' is not defined by any tool agent '{ExecutorAgent}' declared (refunds)");
    }

    [Fact]
    public async Task InChildRun_CredentialForAToolTheSubAgentDidNotDeclare_ReturnsInvalidTarget()
    {
        var parent = await Broker.StartRunAsync(scope: "refunds:write crm:read");
        var child = await Broker.DelegateAsync(parent, ExecutorAgent);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent, Crm, "crm:read"));

        Expect.Refused(reply, "invalid_target", $"tool 'crm' is not in the declared tools of agent '{ExecutorAgent}'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Delegate_SubAgentNoRuleAllows_IsRefusedByPolicy()
    {
        var parent = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, InternAgent, "refunds:read"));

        Expect.Refused(reply, "invalid_target", "no policy rule allows this request");
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task Delegate_ScopeTheSubAgentsRuleDoesNotAllow_ReturnsInvalidScopeNamingTheRule()
    {
        // Inside the parent's envelope, but the checker's own rule only lets it read.
        var parent = await Broker.StartRunAsync(OrchestratorAgent);

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, CheckerAgent, "refunds:read refunds:write"));

        Expect.Refused(reply, "invalid_scope", "'checker-reads-refunds'", "'refunds:write'");
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("  ")]
    [InlineData("\t")]
    [InlineData("\n")]
    public async Task Invariant7_BlankScopeToStartRenewOrDelegate_ReturnsMalformedScopeAndCreatesNoRun(string scope)
    {
        // RFC 6749 §3.3: whitespace alone is no scope-token; it must not be read as a scope named '' or ' '.
        var parent = await Broker.StartRunAsync();

        OAuthReply[] replies =
        [
            await Broker.ExchangeAsync(Broker.StartRunRequest(scope: scope)),
            await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, SupportAgent, scope)),
            await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, scope)),
        ];

        foreach (var reply in replies)
        {
            Expect.Refused(reply, "invalid_scope", "scope must be space-separated tokens of printable ASCII");
            Assert.Equal("request.scope_malformed", reply.Member("check_id"));
        }

        Assert.Single(await RunsAsync());
    }

    private Task<IReadOnlyList<Mandate.Core.Runs.RunRecord>> RunsAsync() =>
        Broker.Runtime.Store.ListRunsAsync(new Mandate.Core.Runs.RunQuery(), CancellationToken.None);
}
