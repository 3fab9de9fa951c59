using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// Kind secret against an agent that holds an allowed identity: the credential it gets is for the one tool and its
/// lifetime, another tool's credential never fetches the vaulted key, and revoking its user ends it at the proxy.
/// </summary>
public sealed class SecretKindBoundaryTests : ProxyTest
{
    [Fact]
    public async Task Invariant3_CredentialOfTheJwtToolBesideIt_NeverGetsTheKeyInjected()
    {
        var ledger = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Ledger, Scope = "ledger:read" });

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", ledger);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Upstream.Received);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant3_ScopeOfAnotherTool_InvalidScope_NothingIssued()
    {
        // RFC 6749 §5.2: invalid_scope when the request asks beyond what the tool and the rule grant.
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read ledger:read" });

        Expect.Refused(reply, "invalid_scope");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant4_RequestedLifetimeAboveTheAgentsCap_InvalidRequest_ShorterOneHonoured()
    {
        var refused = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read", RequestedLifetime = (int)TestBroker.SupportMaxLifetime.TotalSeconds + 1 });
        Expect.Refused(refused, "invalid_request", "max_lifetime");
        await Broker.AssertNothingIssuedAsync();

        var token = IssuedTokens.Read(await Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read", RequestedLifetime = 60 }));

        Assert.Equal(TimeSpan.FromSeconds(60), token.ValidTo - token.IssuedAt);
        Assert.Equal([ProxyTestBroker.Stripe], token.Audiences);
    }

    [Fact]
    public async Task Invariant6_UserRevoked_NextProxyCall401NotForwarded()
    {
        var credential = await StripeCredentialAsync();
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("user", "alice", "test");
        }

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Upstream.Received);
    }
}
