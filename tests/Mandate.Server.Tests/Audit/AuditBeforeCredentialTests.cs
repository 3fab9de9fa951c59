using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// Invariant 2: no credential without a durable audit record. Another connection holds SQLite's write
/// lock past the broker's busy timeout (1 s), so the store cannot commit and the broker must fail closed.
/// </summary>
[Trait("Invariant", "2")]
public sealed class AuditBeforeCredentialTests : BrokerTest
{
    [Fact]
    public async Task Invariant2_StoreLockedDuringExchange_Returns503AndIssuesNothing()
    {
        var request = Broker.RefundRequest() with { Run = "run_locked" };

        var reply = await WhileStoreLockedAsync(() => Broker.ExchangeAsync(request));

        Expect.Refused(reply, "temporarily_unavailable", "could not record decision", "no credential was issued");
        Assert.Equal("1", reply.Header("Retry-After"));
        await Broker.AssertNothingIssuedAsync();
        Assert.Empty(await Broker.ReadAuditAsync(new AuditQuery { Run = "run_locked" }));
    }

    [Fact]
    public async Task Invariant2_StoreReleasedAfterFailure_NextExchangeIssuesAndChainVerifies()
    {
        await WhileStoreLockedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest()));

        var token = await Broker.IssueAsync();

        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(IssuedTokens.Read(token).Id, issuance.Jti);
        var verified = await AuditVerifier.VerifyAsync(Broker.Runtime.Store, null, CancellationToken.None);
        Assert.True(verified.IsValid, verified.Message);
    }

    [Fact]
    public async Task Invariant2_FiftyConcurrentExchanges_EveryCredentialHasItsOwnIssuanceRecord()
    {
        var requests = Enumerable.Range(0, 50).Select(i => Broker.RefundRequest() with { Run = $"run_{i}" }).ToList();

        var tokens = await Task.WhenAll(requests.Select(r => Broker.IssueAsync(r)));

        var jtis = tokens.Select(t => IssuedTokens.Read(t).Id).Order(StringComparer.Ordinal);
        var recorded = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Select(e => e.Jti!).Order(StringComparer.Ordinal);
        Assert.Equal(jtis, recorded);
        var verified = await AuditVerifier.VerifyAsync(Broker.Runtime.Store, null, CancellationToken.None);
        Assert.True(verified.IsValid, verified.Message);
    }

    [Fact]
    public async Task Exchange_StoreLockedDuringPolicyDenial_StillRefusedWithThePolicysReason()
    {
        var reply = await WhileStoreLockedAsync(() => Broker.ExchangeAsync(Broker.RefundRequest() with { Tenant = "globex" }));

        Expect.Refused(reply, "invalid_target", "'support-refunds-own-tenant'");
    }

    [Fact]
    public async Task Introspect_StoreLocked_Returns503SoTheToolTreatsTheTokenAsInactive()
    {
        var token = await Broker.IssueAsync();

        var reply = await WhileStoreLockedAsync(() => Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));

        Expect.Refused(reply, "temporarily_unavailable", "treat the token as inactive");
        Assert.Equal("store.unavailable", reply.Member("check_id"));
    }

    /// <summary>Runs <paramref name="send"/> while a second connection holds an exclusive transaction on the database file.</summary>

    private Task<OAuthReply> WhileStoreLockedAsync(Func<Task<OAuthReply>> send) => Broker.WhileStoreLockedAsync(send);
}
