using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>Well-attested agents asking for what the policy does not allow: refused, named, recorded, nothing issued.</summary>
public sealed class ExchangePolicyRefusalTests : BrokerTest
{
    [Fact]
    public async Task Exchange_RefundAgentForAnotherTenant_ReturnsInvalidTargetNamingTheRule()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Tenant = "globex" });

        Expect.Refused(reply, "invalid_target", "'support-refunds-own-tenant'", "requested 'globex', user's 'acme'");
        await Broker.AssertNothingIssuedAsync();
        var deny = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Decision));
        Assert.Equal("deny", deny.Outcome);
        Assert.Equal("globex", deny.Tenant);
        Assert.Equal(SupportAgent, deny.Agent);
        Assert.Contains("support-refunds-own-tenant", deny.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_ReadOnlyResearchAgentAsksForWrite_ReturnsInvalidScopeNamingTheRule()
    {
        var reply = await Broker.ExchangeAsync(new ExchangeRequest
        {
            ActorToken = Broker.Svid(ResearchAgent),
            SubjectToken = Broker.UserToken(),
            Resource = Crm,
            Scope = "crm:write",
        });

        Expect.Refused(reply, "invalid_scope", "'research-reads-crm'", "'crm:write'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ScopeTheToolDefinesButTheRuleDoesNot_ReturnsInvalidScopeNamingTheRule()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Scope = "refunds:write refunds:admin" });

        Expect.Refused(reply, "invalid_scope", "'support-refunds-own-tenant'", "'refunds:admin'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_BackgroundWorkWithoutAnAgentSubjectRule_ReturnsInvalidTarget()
    {
        var support = Broker.Svid(SupportAgent);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = support, SubjectToken = support, Tenant = "acme" });

        Expect.Refused(reply, "invalid_target", "'support-refunds-own-tenant'", "background work");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    [Trait("Invariant", "1")]
    public async Task Invariant1_DefaultDeny_EmptyPolicyIssuesNothingForAnyRequest()
    {
        await Broker.WritePolicyAsync("rules: []\n");
        Assert.True((await Broker.Runtime.Policy.ReloadAsync()).IsValid);

        var refund = await Broker.ExchangeAsync(Broker.RefundRequest());
        var crm = await Broker.ExchangeAsync(new ExchangeRequest
        {
            ActorToken = Broker.Svid(ResearchAgent),
            SubjectToken = Broker.UserToken(),
            Resource = Crm,
            Scope = "crm:read",
        });

        Expect.Refused(refund, "invalid_target", "no rule allows agent 'spiffe://acme.example/agents/support' to use tool 'refunds'");
        Expect.Refused(crm, "invalid_target", "no rule allows agent 'spiffe://acme.example/agents/research/market' to use tool 'crm'");
        await Broker.AssertNothingIssuedAsync();
        var decisions = await Broker.AuditEventsAsync(AuditKinds.Decision);
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal(("deny", (string?)null), (d.Outcome, d.Rule)));
    }

    [Fact]
    [Trait("Invariant", "1")]
    public async Task Invariant1_DefaultDeny_AgentWithNoRuleForADeclaredToolGetsNothing()
    {
        // The research agent declares crm and the policy allows crm:read; it has no rule for writing at all.
        var reply = await Broker.ExchangeAsync(new ExchangeRequest
        {
            ActorToken = Broker.Svid(ResearchAgent),
            SubjectToken = Broker.UserToken(),
            Resource = Crm,
            Scope = "crm:read crm:write",
        });

        Expect.Refused(reply, "invalid_scope", "'research-reads-crm'");
        await Broker.AssertNothingIssuedAsync();
    }
}
