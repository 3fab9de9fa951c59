using Mandate.Core.Attestation;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.LateRevocations;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 6: a tenant or user revocation takes the user tokens issued up to it, so also an approval asked for with
/// one. With several nodes, a node that has not yet heard of a revocation may record an approval after the revocation's
/// time; once it hears, that approval can no longer be collected. RFC 6749 §5.2: a revoked grant is invalid_grant.
/// </summary>
[Trait("Invariant", "6")]
public sealed class ApprovalIdentityRevocationTests : ApprovalTest
{
    [Theory]
    [InlineData(RevocationTarget.User, "alice")]
    [InlineData(RevocationTarget.Tenant, "acme")]
    public async Task Invariant6_ApprovalPoll_AskedAfterTheRevocationWithAnOlderUserToken_RefusedInvalidGrantNothingIssued(RevocationTarget target, string value)
    {
        var request = Broker.RefundRequest();
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        // Asked on a node that had not heard of the revocation yet, after its time, with a user token issued before it.
        var id = await AskAsync(request with { ActorToken = Broker.Svid(SupportAgent) });
        await ApproveAsync(id);
        Broker.Runtime.Revocations.Add(Late(target, value, revokedAt));

        var reply = await PollAsync(id);

        Expect.Refused(reply, "invalid_grant", $"approval '{id}' can no longer be collected", $"{target.ToString().ToLowerInvariant()} revocation rev_late", "rests on a user token issued at");
        await AssertRefusedAndNothingIssuedAsync(id, AttestChecks.For(target).Id);
    }

    [Fact]
    public async Task Invariant6_ApprovalPoll_AskedWithAUserTokenIssuedAfterTheRevocation_IsCollected()
    {
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        Broker.Runtime.Revocations.Add(Late(RevocationTarget.User, "alice", revokedAt));

        var credential = Expect.Issued(await PollAsync(id));

        Assert.True(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task Invariant6_CollectedBeforeTheRevocationWasHeard_OnAnOlderUserToken_CredentialIsInactiveOnceHeard()
    {
        var request = Broker.RefundRequest();
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        // Asked, approved and collected on a node that had not heard of the revocation yet.
        var id = await AskAsync(request with { ActorToken = Broker.Svid(SupportAgent) });
        await ApproveAsync(id);
        var credential = Expect.Issued(await PollAsync(id));

        Broker.Runtime.Revocations.Add(Late(RevocationTarget.User, "alice", revokedAt));

        Assert.False(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task ApprovalPoll_ApprovalRecordedWithoutIdentityIssuedAt_JudgedFromWhenItWasAsked()
    {
        // Approvals recorded before the user token's issue time was kept on them are judged as before: from their creation.
        var request = Broker.RefundRequest();
        var revokedAt = Broker.Now.AddSeconds(30);
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var id = await AskAsync(request with { ActorToken = Broker.Svid(SupportAgent) });
        var asked = (await Broker.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!;
        Assert.Equal(revokedAt.AddSeconds(-30), asked.IdentityIssuedAt);
        var legacy = asked with { Id = "areq_legacy", BindingHash = "legacy", IdentityIssuedAt = null };
        await Broker.Runtime.Store.CommitAsync(new StoreBatch(legacy), CancellationToken.None);
        await ApproveAsync(legacy.Id);
        Broker.Runtime.Revocations.Add(Late(RevocationTarget.User, "alice", revokedAt));

        Expect.Issued(await PollAsync(legacy.Id));
    }
}
