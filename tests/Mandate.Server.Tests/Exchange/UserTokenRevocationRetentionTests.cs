using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// Invariant 6: `revoke --user` and `--tenant` take the identity provider's tokens issued up to them for as long as such a
/// token can be presented, which the provider decides, not the broker's own lifetimes: a token valid for a day must not
/// come back when the broker forgets the revocation after its longest run. RFC 8693 §2.2.2: a subject_token unacceptable
/// by policy is invalid_request.
/// </summary>
[Trait("Invariant", "6")]
public sealed class UserTokenRevocationRetentionTests : BrokerTest
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public async Task Invariant6_UserRevoked_DayLongUserTokenIssuedBeforeIt_StillRefusedAfterTheLongestRunAndAPurge()
    {
        var userToken = DayLongUserToken();
        await RevokeAsync("user", "alice");

        Broker.Clock.Advance(Broker.Options.Runs.MaxDuration + TimeSpan.FromHours(1));
        Broker.Runtime.Revocations.Purge(Broker.Now);
        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = userToken }));

        Expect.Refused(reply, "invalid_request", "before user 'alice' was revoked");
    }

    [Fact]
    public async Task Invariant6_TenantRevoked_DayLongUserTokenIssuedBeforeIt_StillRefusedAfterTheLongestRunAndARestart()
    {
        var userToken = DayLongUserToken();
        await RevokeAsync("tenant", "acme");

        Broker.Clock.Advance(Broker.Options.Runs.MaxDuration + TimeSpan.FromHours(1));
        await Broker.RestartAsync();
        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = userToken }));

        Expect.Refused(reply, "invalid_request", "before tenant 'acme' was revoked");
    }

    [Fact]
    public async Task Invariant6_UserRevoked_TokenTheUserGetsAfterTheLongestRun_IsAccepted()
    {
        await RevokeAsync("user", "alice");

        Broker.Clock.Advance(Broker.Options.Runs.MaxDuration + TimeSpan.FromHours(1));
        Broker.Runtime.Revocations.Purge(Broker.Now);

        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
    }

    private string DayLongUserToken()
    {
        var claims = Broker.UserClaims();
        claims["exp"] = (Broker.Now + Day).ToUnixTimeSeconds();
        return Broker.UserKey.Sign(claims);
    }

    private async Task RevokeAsync(string target, string value)
    {
        using var admin = Broker.Admin();
        await admin.RevokeAsync(target, value, "incident");
    }
}
