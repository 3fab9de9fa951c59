using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>Requests the registry refuses before policy runs: unknown tools, undeclared tools, undefined scopes, unknown agents.</summary>
public sealed class ExchangeRegistryRefusalTests : BrokerTest
{
    [Fact]
    public async Task Exchange_UnknownToolResource_ReturnsInvalidTarget()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = "https://billing.acme.example" });

        Expect.Refused(reply, "invalid_target", "no tool is registered");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_UnknownToolAudience_ReturnsInvalidTarget()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = null, Audience = "billing" });

        Expect.Refused(reply, "invalid_target", "no tool is registered");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ToolNotDeclaredByTheAgent_ReturnsInvalidTarget()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.Svid(ResearchAgent), Scope = "refunds:read" });

        Expect.Refused(reply, "invalid_target", "tool 'refunds' is not in the declared tools of agent 'spiffe://acme.example/agents/research/market'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ScopeNotDefinedByTheTool_ReturnsInvalidScope()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Scope = "refunds:write refunds:delete" });

        Expect.Refused(reply, "invalid_scope", "tool 'refunds' does not define scope(s) 'refunds:delete'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_TenantTheAgentIsNotRegisteredFor_ReturnsInvalidTarget()
    {
        var reply = await Broker.ExchangeAsync(new ExchangeRequest
        {
            ActorToken = Broker.Svid(ResearchAgent),
            SubjectToken = Broker.UserToken("bob", "globex"),
            Resource = Crm,
            Scope = "crm:read",
        });

        Expect.Refused(reply, "invalid_target", "not registered for tenant 'globex'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_UnregisteredAgent_ReturnsInvalidRequest()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.Svid(UnregisteredAgent) });

        Expect.Refused(reply, "invalid_request", "'spiffe://acme.example/agents/unregistered' is not a registered agent");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_AgentOutsideTheTrustDomain_ReturnsInvalidRequest()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.Svid("spiffe://acme.example.evil/agents/support") });

        Expect.Refused(reply, "invalid_request", "outside the trust domain 'acme.example'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_BackgroundWorkWithoutTenantForMultiTenantAgent_ReturnsInvalidRequest()
    {
        var support = Broker.Svid(SupportAgent);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = support, SubjectToken = support });

        Expect.Refused(reply, "invalid_request", "must name the tenant");
        await Broker.AssertNothingIssuedAsync();
    }
}
