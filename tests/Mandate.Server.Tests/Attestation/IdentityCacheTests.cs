using Mandate.Core.Attestation;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Attestation;

/// <summary>
/// End to end, an agent run presenting the same JWT-SVID and user token on every exchange: the broker remembers the
/// validated tokens, and every check that is not the signature (kill switch, revocation) still answers each request.
/// </summary>
public sealed class IdentityCacheTests : BrokerTest
{
    [Fact]
    public async Task Exchange_SameTokensRepeated_RemembersBothAndStillHonoursTheKillSwitch()
    {
        var request = Broker.RefundRequest();
        Expect.Issued(await Broker.ExchangeAsync(request));
        Expect.Issued(await Broker.ExchangeAsync(request));
        Assert.Equal(2, Broker.App.App.Services.GetRequiredService<ValidatedTokenCache>().Count);

        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("agent", SupportAgent, "incident");
        }

        Expect.Refused(await Broker.ExchangeAsync(request), "invalid_request", $"agent '{SupportAgent}' is disabled");
    }

    [Fact]
    public async Task Invariant6_Exchange_SameTokensRepeatedThenUserRevoked_TheCachedUserTokenGetsNothing()
    {
        var request = Broker.RefundRequest();
        var before = Expect.Issued(await Broker.ExchangeAsync(request));

        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("user", "alice", "incident");
        }

        // A user revocation covers everything issued for the user up to its instant, the identity provider's token the
        // cache remembers included: checked on every request, after the cache.
        Expect.Refused(await Broker.ExchangeAsync(request), "invalid_request", "before user 'alice' was revoked");
        Assert.False(await Broker.ActiveAsync(before));
    }
}
