using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>The user's token (subject_token) gets the same scrutiny as the agent's; a defect in it is invalid_request.</summary>
public sealed class SubjectTokenTests : BrokerTest
{
    public static TheoryData<TokenDefect> Defects => [.. Enum.GetValues<TokenDefect>()];

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task Exchange_SubjectTokenDefective_ReturnsInvalidRequest(TokenDefect defect)
    {
        var subject = HostileTokens.Create(defect, Broker.UserKey, Broker.UserClaims(), Broker.Now);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = subject });

        Expect.Refused(reply, "invalid_request", "subject_token", HostileTokens.ExpectedReason(defect));
        Assert.DoesNotContain(subject, reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_SubjectTokenWithoutTenantClaim_ReturnsInvalidRequest()
    {
        var claims = Broker.UserClaims();
        claims.Remove("tenant");

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", "subject_token has no 'tenant' claim");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_SubjectTokenSignedByAnotherTrustedUserIssuersKey_ReturnsInvalidRequest()
    {
        // partner-idp is trusted, but only for its own iss: its key cannot vouch for acme-idp's users.
        var subject = Broker.PartnerKey.Sign(Broker.UserClaims());

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = subject });

        Expect.Refused(reply, "invalid_request", "subject_token signature does not verify with the keys of issuer 'acme-idp'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_WorkloadSubjectNamingAnotherAgent_ReturnsInvalidRequest()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.Svid(ResearchAgent), Tenant = "acme" });

        Expect.Refused(reply, "invalid_request", "must be the actor's own identity");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_UserTokenFromPartnerIssuer_IsAttestedWithItsOwnKey()
    {
        // The control for the key-confusion test: partner-idp's key is good for partner-idp's own users,
        // in the tenants it is configured to speak for (issuers[].tenants).
        var claims = Broker.UserClaims();
        claims["iss"] = PartnerIssuer;

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.PartnerKey.Sign(claims) });

        Expect.Issued(reply);
    }

    [Fact]
    public async Task Exchange_UserTokenFromIssuerNamingATenantItMayNotSpeakFor_ReturnsInvalidRequest()
    {
        var claims = Broker.UserClaims(tenant: "globex");
        claims["iss"] = PartnerIssuer;

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.PartnerKey.Sign(claims), Tenant = "globex" });

        Expect.Refused(reply, "invalid_request", "issuer 'partner-idp' may not speak for", "issuers[].tenants");
        await Broker.AssertNothingIssuedAsync();
    }
}
