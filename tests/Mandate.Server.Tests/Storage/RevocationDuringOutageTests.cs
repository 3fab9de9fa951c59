using System.Net;
using Mandate.Core.Audit;
using Mandate.Core.Revocation;
using Mandate.Server.Admin;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Storage;

/// <summary>
/// Invariant 6: revocation is simpler than issuance. Revoking only removes authority, so a failing store
/// must not stop it: it is in force at once, recorded as soon as the store returns, and the operator is
/// told which of the two happened.
/// </summary>
[Trait("Invariant", "6")]
public sealed class RevocationDuringOutageTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_AdminRevokeWhileStoreLocked_InForceAtOnceAndDurableOnceTheStoreReturns()
    {
        var token = await Broker.IssueAsync();
        var jti = IssuedTokens.Read(token).Id;

        var reply = await Broker.WhileStoreLockedAsync(async () =>
        {
            var revoked = await AdminSocket.PostJsonAsync(Broker, "/admin/revocations", new { target = "token", value = jti, reason = "incident" });

            // Introspection during the outage: the revocation bites although nothing could be written.
            IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));
            return revoked;
        });

        Assert.Equal(HttpStatusCode.Accepted, reply.Status);
        Assert.False(reply.Json.GetProperty("recorded").GetBoolean());
        Assert.Equal(RevocationStatus.Pending, reply.Json.GetProperty("status").GetString());
        await WaitUntilRecordedAsync(jti);

        await Broker.RestartAsync();

        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));
        var recorded = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal(jti, recorded.Jti);
    }

    [Fact]
    public async Task Invariant6_AdminRevokeWithHealthyStore_SaysRevokedAndRecorded()
    {
        var jti = IssuedTokens.Read(await Broker.IssueAsync()).Id;

        var reply = await AdminSocket.PostJsonAsync(Broker, "/admin/revocations", new { target = "token", value = jti });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.True(reply.Json.GetProperty("recorded").GetBoolean());
        Assert.Equal(RevocationStatus.Recorded, reply.Json.GetProperty("status").GetString());
        Assert.True(reply.Json.GetProperty("issued").GetBoolean());
    }

    [Fact]
    public async Task Invariant6_AdminRevokeOfAJtiNeverIssued_StandsAndSaysSo()
    {
        await Broker.IssueAsync();

        var reply = await AdminSocket.PostJsonAsync(Broker, "/admin/revocations", new { target = "token", value = "jti_mistyped" });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.False(reply.Json.GetProperty("issued").GetBoolean());
        var recorded = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal("jti_mistyped", recorded.Jti);
    }

    [Fact]
    public async Task Invariant6_Rfc7009RevokeWhileStoreLocked_InForceAtOnceAndRecordedLater()
    {
        var token = await Broker.IssueAsync();
        var jti = IssuedTokens.Read(token).Id;

        var reply = await Broker.WhileStoreLockedAsync(() => Broker.RevokeAsync(token, Broker.Svid(SupportAgent)));

        // RFC 7009 §2.2: 200 once the token is revoked; it is, in this broker, from this moment.
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));
        await WaitUntilRecordedAsync(jti);
    }

    /// <summary>The retry runs on the broker's clock; advance it a retry interval at a time, for a bounded while.</summary>
    private async Task WaitUntilRecordedAsync(string jti)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var stored = await Broker.Runtime.Store.ListRevocationsAsync(Broker.Now, CancellationToken.None);
            if (stored.Any(r => r.Target == RevocationTarget.Token && r.Value == jti))
            {
                return;
            }

            Broker.Clock.Advance(PendingRevocationWriter.RetryInterval);
            await Task.Delay(50);
        }

        Assert.Fail($"revocation of {jti} was not recorded after the store returned");
    }
}
