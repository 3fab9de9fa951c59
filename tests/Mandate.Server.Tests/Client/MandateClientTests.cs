using Mandate.Client;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Client;

/// <summary>The SDK against the real broker: what an agent runtime and a tool actually call.</summary>
public sealed class MandateClientTests : BrokerTest
{
    [Fact]
    public async Task Client_ExchangeIntrospectRevoke_RoundTripsAgainstTheBroker()
    {
        var client = new MandateClient(Broker.Http);
        var tool = Broker.Svid(RefundsWorkload);

        var credential = await client.ExchangeAsync(new CredentialRequest
        {
            ActorToken = Broker.Svid(SupportAgent),
            SubjectToken = Broker.UserToken(),
            Tool = "refunds",
            Scopes = ["refunds:read", "refunds:write"],
            Run = "run_sdk",
        });
        var active = await client.IntrospectAsync(credential.AccessToken, tool);
        await client.RevokeAsync(credential.AccessToken, Broker.Svid(SupportAgent));
        var revoked = await client.IntrospectAsync(credential.AccessToken, tool);

        Assert.Equal("refunds:read refunds:write", credential.Scope);
        Assert.Equal("Bearer", credential.TokenType);
        Assert.Equal((int)SupportMaxLifetime.TotalSeconds, credential.ExpiresIn);
        Assert.True(active.Active);
        Assert.Equal("run_sdk", active.Get("run"));
        Assert.False(revoked.Active);
    }

    [Fact]
    public async Task Client_Refusal_ThrowsWithTheOAuthErrorAndTheRuleThatRefused()
    {
        var client = new MandateClient(Broker.Http);

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => client.ExchangeAsync(new CredentialRequest
        {
            ActorToken = Broker.Svid(SupportAgent),
            SubjectToken = Broker.UserToken(),
            Tool = Refunds,
            Scopes = ["refunds:write"],
            Tenant = "globex",
        }));

        Assert.Equal("invalid_target", refusal.Error);
        Assert.Equal(400, refusal.Status);
        Assert.Contains("support-refunds-own-tenant", refusal.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminClient_Status_ReportsPolicyVersionAndPublishedKeys()
    {
        using var admin = Broker.Admin();

        var status = await admin.StatusAsync();

        Assert.Equal("node-a", status.GetProperty("node").GetString());
        Assert.Equal(Broker.Runtime.Policy.Current.Version, status.GetProperty("policy_version").GetString());
        Assert.Equal(Broker.Runtime.Keys.Current.Active.Kid, status.GetProperty("active_kid").GetString());
    }
}
