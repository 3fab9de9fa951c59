using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// Invariant 6 at the egress proxy's run-token mode: the proxy obtains credentials through the same exchange
/// pipeline, so the shared attestation refuses a disabled agent before anything is minted or forwarded.
/// </summary>
public sealed class ProxyKillSwitchTests : ProxyTest
{
    [Fact]
    public async Task Invariant6_ProxyRunTokenMode_AgentDisabled_403NothingIssuedNotForwarded()
    {
        var runToken = await Broker.StartRunAsync(scope: "charges:read");
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("agent", TestBroker.SupportAgent, "kill switch");
        }

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_9", null, configure: r =>
        {
            r.Headers.Add("Mandate-Run-Token", runToken);
            r.Headers.Add("Mandate-Actor-Token", Broker.Svid(TestBroker.SupportAgent));
            r.Headers.Add("Mandate-Scope", "charges:read");
        });

        // The broker refused the agent (attest.agent_disabled): it is known but not allowed, so the proxy forbids.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("is disabled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant6_ProxyRunTokenMode_UserRevoked_401NotForwarded()
    {
        var runToken = await Broker.StartRunAsync(scope: "charges:read");
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("user", "alice", "account closed");
        }

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_9", null, configure: r =>
        {
            r.Headers.Add("Mandate-Run-Token", runToken);
            r.Headers.Add("Mandate-Actor-Token", Broker.Svid(TestBroker.SupportAgent));
            r.Headers.Add("Mandate-Scope", "charges:read");
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("user revocation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
        Assert.DoesNotContain(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Tool == "stripe");
    }
}
