using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>
/// Invariant 6: revocation is one command on the admin socket, bites on the next introspection, and
/// covers everything its target was issued up to that moment. Revoking an agent is also a kill switch:
/// it gets nothing new until an operator enables it again.
/// </summary>
[Trait("Invariant", "6")]
public sealed class AdminRevocationTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_AdminRevokesAgent_EveryCredentialItHoldsIsInactiveAtOnce()
    {
        var refund = await Broker.IssueAsync();
        var crm = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read" });
        var research = await Broker.IssueAsync(ResearchCrmRequest());

        var revocation = await RevokeAsync("agent", SupportAgent);

        Assert.Equal("agent", revocation.GetProperty("target").GetString());
        Assert.False(await ActiveAsync(refund, RefundsWorkload));
        Assert.False(await ActiveAsync(crm, CrmWorkload));
        Assert.True(await ActiveAsync(research, CrmWorkload));
    }

    [Fact]
    public async Task Invariant6_AdminRevokesTenant_OnlyThatTenantsCredentialsAreInactive()
    {
        var acme = await Broker.IssueAsync();
        var globex = await Broker.IssueAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserToken("bob", "globex") });

        await RevokeAsync("tenant", "acme");

        Assert.False(await ActiveAsync(acme, RefundsWorkload));
        Assert.True(await ActiveAsync(globex, RefundsWorkload));
    }

    [Fact]
    public async Task Invariant6_AdminRevokesRun_CascadesToEveryCredentialOfTheRun()
    {
        var refund = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_a" });
        var crm = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read", Run = "run_a" });
        var otherRun = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_b" });

        await RevokeAsync("run", "run_a");

        Assert.False(await ActiveAsync(refund, RefundsWorkload));
        Assert.False(await ActiveAsync(crm, CrmWorkload));
        Assert.True(await ActiveAsync(otherRun, RefundsWorkload));
    }

    [Fact]
    public async Task AdminRevoke_User_EveryCredentialIssuedForThatUserIsInactive()
    {
        var alice = await Broker.IssueAsync();
        var bob = await Broker.IssueAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserToken("bob") });

        await RevokeAsync("user", "alice");

        Assert.False(await ActiveAsync(alice, RefundsWorkload));
        Assert.True(await ActiveAsync(bob, RefundsWorkload));
    }

    [Fact]
    public async Task AdminRevoke_SingleCredential_IsRecordedWithTheOperator()
    {
        var token = await Broker.IssueAsync();
        var jti = IssuedTokens.Read(token).Id;

        await RevokeAsync("token", jti);

        Assert.False(await ActiveAsync(token, RefundsWorkload));
        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal(jti, record.Jti);
        Assert.StartsWith("admin:", record.Evidence["revoked_by"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminRevoke_Agent_IsAKillSwitchUntilEnabledAgain()
    {
        var before = await Broker.IssueAsync();
        await RevokeAsync("agent", SupportAgent);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));

        Expect.Refused(await Broker.ExchangeAsync(Broker.RefundRequest()), "invalid_request", "is disabled", "mandate agents enable");

        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        var after = await Broker.IssueAsync();
        Assert.False(await ActiveAsync(before, RefundsWorkload));
        Assert.True(await ActiveAsync(after, RefundsWorkload));
    }

    [Fact]
    public async Task Invariant6_AdminRevocation_SurvivesABrokerRestart()
    {
        // Durable, not only in this process's memory: a restarted (or another) node loads it from the store.
        var token = await Broker.IssueAsync();
        await RevokeAsync("tenant", "acme");

        await Broker.RestartAsync();

        Assert.False(await ActiveAsync(token, RefundsWorkload));
        Assert.Equal(1, Broker.Runtime.Revocations.Count);
    }

    private ExchangeRequest ResearchCrmRequest() => new()
    {
        ActorToken = Broker.Svid(ResearchAgent),
        SubjectToken = Broker.UserToken(),
        Resource = Crm,
        Scope = "crm:read",
    };

    private async Task<JsonElement> RevokeAsync(string target, string value)
    {
        using var admin = Broker.Admin();
        return await admin.RevokeAsync(target, value, "integration test");
    }

    private async Task<bool> ActiveAsync(string token, string tool) =>
        IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(tool)));
}
