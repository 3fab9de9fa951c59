using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// Invariant 6, revocation has no way around it: `mandate revoke --user` or `--tenant` takes what was issued up to it,
/// and that includes the identity provider's token an agent holds for the user. A stolen or cached user token issued
/// before the revocation gets nothing new, with or without the identity cache; a token the user gets after it does.
/// RFC 8693 §2.2.2: a subject_token unacceptable by policy is invalid_request.
/// </summary>
[Trait("Invariant", "6")]
public sealed class UserTokenRevocationTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_UserRevoked_ExchangeWithTheUsersTokenIssuedBeforeIt_IsRefusedAndIssuesNothing()
    {
        var request = Broker.RefundRequest();
        Expect.Issued(await Broker.ExchangeAsync(request));
        await RevokeAsync("user", "alice");

        var reply = await Broker.ExchangeAsync(request with { ActorToken = Broker.Svid(SupportAgent) });

        Expect.Refused(reply, "invalid_request", "subject_token was issued at", "before user 'alice' was revoked", "sign in again");
        Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }

    [Fact]
    public async Task Invariant6_TenantRevoked_ExchangeWithAUserTokenOfThatTenantIssuedBeforeIt_IsRefused()
    {
        var request = Broker.RefundRequest();
        await RevokeAsync("tenant", "acme");

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(request));

        Expect.Refused(reply, "invalid_request", "before tenant 'acme' was revoked");
    }

    [Fact]
    public async Task Invariant6_UserRevoked_StartingARunWithTheUsersOldToken_IsRefusedAndStartsNoRun()
    {
        var userToken = Broker.UserToken();
        await RevokeAsync("user", "alice");

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.StartRunRequest(subjectToken: userToken)));

        Expect.Refused(reply, "invalid_request", "before user 'alice' was revoked");
        Assert.Empty(await Broker.Runtime.Store.ListRunsAsync(new Core.Runs.RunQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task Invariant6_UserRevoked_UserTokenWithoutIat_IsRefusedAsNotShownToPostdateIt()
    {
        var claims = Broker.UserClaims();
        claims.Remove("iat");
        var request = Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(claims) };
        Expect.Issued(await Broker.ExchangeAsync(request));
        await RevokeAsync("user", "alice");

        var reply = await Broker.ExchangeAsync(request with { ActorToken = Broker.Svid(SupportAgent) });

        Expect.Refused(reply, "invalid_request", "has no 'iat' claim", "user 'alice'");
    }

    [Fact]
    public async Task UserRevoked_TokenTheUserGotAfterIt_IsAccepted()
    {
        await RevokeAsync("user", "alice");
        Broker.Clock.Advance(TimeSpan.FromSeconds(2));

        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
    }

    [Fact]
    public async Task UserRevoked_AnotherUsersTokenOfTheSameTenant_IsAccepted()
    {
        await RevokeAsync("user", "bob");

        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
    }

    private async Task RevokeAsync(string target, string value)
    {
        using var admin = Broker.Admin();
        await admin.RevokeAsync(target, value, "incident");
    }
}
