using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>Invariant 3: a credential never carries more than was asked for and allowed, and cannot be traded up.</summary>
[Trait("Invariant", "3")]
public sealed class AttenuationTests : BrokerTest
{
    [Fact]
    public async Task Invariant3_RuleAllowsMoreScopes_GrantsExactlyTheRequestedOnes()
    {
        // The rule allows refunds:read and refunds:write; the agent asked for read only.
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Scope = "refunds:read" });

        var token = Expect.Issued(reply);
        Assert.Equal("refunds:read", reply.Member("scope"));
        Assert.Equal("refunds:read", IssuedTokens.Read(token).GetPayloadValue<string>("scope"));
    }

    [Fact]
    public async Task Invariant3_TenantOmitted_CredentialTenantIsTheUsersNeverAnother()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserToken("bob", "globex") });

        Assert.Equal("globex", IssuedTokens.Read(token).GetPayloadValue<string>("tenant"));
    }

    [Fact]
    public async Task Invariant3_IssuedCredentialPresentedAsSubjectToken_ReturnsInvalidRequest()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Scope = "refunds:read" });

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = credential, Scope = "refunds:write" });

        Expect.Refused(reply, "invalid_request", "subject_token");
        Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }

    [Fact]
    public async Task Invariant3_IssuedCredentialPresentedAsActorToken_ReturnsInvalidRequest()
    {
        var credential = await Broker.IssueAsync(Broker.RefundRequest() with { Scope = "refunds:read" });

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = credential, Resource = Crm, Scope = "crm:read" });

        Expect.Refused(reply, "invalid_request", "actor_token");
        Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }
}
