using Mandate.Core.Revocation;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>
/// Invariant 6 across nodes and clocks: a node can issue a credential after another node's revocation time, because it
/// had not heard the revocation yet or because its clock is ahead. A disabled agent and a revoked run get nothing new,
/// so such a credential must be inactive too once the revocation is heard; only a lifted kill switch, a tenant and a
/// user are bounded by the revocation time, and a tenant or user by the user token the credential rests on.
/// </summary>
[Trait("Invariant", "6")]
public sealed class RevocationCoverageTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_AgentDisabled_CredentialIssuedAfterTheRevocationTimeIsInactiveToo()
    {
        var late = await Broker.IssueAsync();

        Broker.Runtime.Revocations.Add(Heard(RevocationTarget.Agent, SupportAgent));

        Assert.False(await Broker.ActiveAsync(late));
    }

    [Fact]
    public async Task Invariant6_RunRevoked_CredentialOfTheRunIssuedAfterTheRevocationTimeIsInactiveToo()
    {
        var late = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_heard_late" });

        Broker.Runtime.Revocations.Add(Heard(RevocationTarget.Run, "run_heard_late"));

        Assert.False(await Broker.ActiveAsync(late));
    }

    [Fact]
    public async Task AgentEnabledAgain_CredentialIssuedAfterTheRevocationTimeStaysActive()
    {
        var late = await Broker.IssueAsync();
        var revocation = Heard(RevocationTarget.Agent, SupportAgent);

        Broker.Runtime.Revocations.Add(revocation with { LiftedAt = revocation.RevokedAt.AddSeconds(1) });

        Assert.True(await Broker.ActiveAsync(late));
    }

    [Fact]
    public async Task TenantRevoked_CredentialIssuedAfterTheRevocationTimeStaysActive()
    {
        // Revoking a tenant or a user takes what was issued so far; new credentials may follow.
        var late = await Broker.IssueAsync();

        Broker.Runtime.Revocations.Add(Heard(RevocationTarget.Tenant, "acme"));

        Assert.True(await Broker.ActiveAsync(late));
    }

    [Theory]
    [InlineData(RevocationTarget.User, "alice")]
    [InlineData(RevocationTarget.Tenant, "acme")]
    public async Task Invariant6_UserOrTenantRevoked_CredentialIssuedAfterItOnAnOlderUserToken_IsInactiveOnceHeard(RevocationTarget target, string value)
    {
        var request = Broker.RefundRequest();
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        // Issued by a node that had not heard of the revocation yet, after its time, on a user token issued before it.
        var late = await Broker.IssueAsync(request with { ActorToken = Broker.Svid(SupportAgent) });
        Assert.True(await Broker.ActiveAsync(late));

        Broker.Runtime.Revocations.Add(LateRevocations.Late(target, value, revokedAt));

        Assert.False(await Broker.ActiveAsync(late));
    }

    [Fact]
    public async Task UserRevoked_CredentialOnAUserTokenIssuedAfterTheRevocation_StaysActive()
    {
        // The user signed in again after the revocation: what rests on the new token stands.
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var credential = await Broker.IssueAsync();

        Broker.Runtime.Revocations.Add(LateRevocations.Late(RevocationTarget.User, "alice", revokedAt));

        Assert.True(await Broker.ActiveAsync(credential));
    }

    /// <summary>A revocation made a minute before this node's clock reads now, as another node may have made it.</summary>
    private Revocation Heard(RevocationTarget target, string value) => new()
    {
        Id = $"rev_{target}",
        Target = target,
        Value = value,
        RevokedAt = Broker.Now.AddMinutes(-1),
        KeepUntil = Broker.Now.AddHours(9),
        RevokedBy = "admin",
    };
}
