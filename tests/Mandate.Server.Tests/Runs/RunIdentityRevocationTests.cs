using Mandate.Core.Revocation;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.LateRevocations;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 6: a tenant or user revocation covers every run started before it, whatever the issue time of the run's
/// later tokens. With several nodes, a node that has not yet heard of a revocation may renew a run token or issue a
/// credential after the revocation's time; once it hears, neither may live on.
/// </summary>
[Trait("Invariant", "6")]
public sealed class RunIdentityRevocationTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_UserRevokedAfterRunStart_RunTokenAndCredentialIssuedAfterTheRevocationAreRefused()
    {
        var started = await Broker.StartRunAsync();
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        // Issued on a node that had not heard of the revocation yet: both after its time.
        var renewed = await Broker.DelegateAsync(started, SupportAgent);
        var credential = await Broker.IssueInRunAsync(renewed);
        Broker.Runtime.Revocations.Add(Late(RevocationTarget.User, "alice", revokedAt));

        Expect.Refused(await Broker.ExchangeAsync(Broker.RunTokenRequest(renewed, SupportAgent)), "invalid_request", "(user revocation rev_late)");
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(renewed)), "invalid_request", "(user revocation rev_late)");
        Assert.False(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task Invariant6_TenantRevokedAfterRunStart_CredentialIssuedAfterTheRevocationIsInactive()
    {
        var started = await Broker.StartRunAsync();
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var credential = await Broker.IssueInRunAsync(started);
        Broker.Runtime.Revocations.Add(Late(RevocationTarget.Tenant, "acme", revokedAt));

        Assert.False(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task Invariant6_UserRevokedBeforeRunStart_RunStartedWithANewerUserTokenStillWorks()
    {
        Broker.Runtime.Revocations.Add(Late(RevocationTarget.User, "alice", Broker.Now.AddSeconds(-30)));
        var started = await Broker.StartRunAsync();
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await Broker.ActiveAsync(await Broker.IssueInRunAsync(await Broker.DelegateAsync(started, SupportAgent))));
    }
}
