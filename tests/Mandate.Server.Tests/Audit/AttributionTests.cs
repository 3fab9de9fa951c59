using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>Invariant 5: every credential maps to agent, run, tenant, user, policy version, decision and chain.</summary>
[Trait("Invariant", "5")]
public sealed class AttributionTests : BrokerTest
{
    [Fact]
    public async Task Invariant5_IssuedCredential_MapsToOneIssuanceRecordCarryingTheDecisionAndEveryAttribute()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_attr" });
        var jwt = IssuedTokens.Read(token);

        var records = await Broker.ReadAuditAsync(new AuditQuery { Run = "run_attr" });

        Assert.Equal([AuditKinds.Issuance], records.Select(r => r.Event.Kind));
        foreach (var e in records.Select(r => r.Event))
        {
            Assert.Equal(SupportAgent, e.Agent);
            Assert.Equal("acme", e.Tenant);
            Assert.Equal("alice", e.User);
            Assert.Equal("run_attr", e.Run);
            Assert.Equal("refunds", e.Tool);
            Assert.Equal("refunds:write", e.Scope);
            Assert.Equal("support-refunds-own-tenant", e.Rule);
            Assert.Equal(jwt.GetPayloadValue<string>("dec"), e.DecisionId);
            Assert.Equal(jwt.GetPayloadValue<string>("pol"), e.PolicyVersion);
            Assert.Equal("node-a", e.Node);
        }

        var issuance = records[0].Event;
        Assert.Equal(jwt.Id, issuance.Jti);
        Assert.Equal(jwt.Kid, issuance.Evidence["kid"]);
        Assert.Equal(jwt.GetPayloadValue<long>("exp").ToString(System.Globalization.CultureInfo.InvariantCulture), issuance.Evidence["exp"]);
    }

    [Fact]
    public async Task Invariant5_DecisionRecord_NamesTheIdentitiesItRestedOn()
    {
        await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_attr" });

        var decision = (await Broker.ReadAuditAsync(new AuditQuery { Run = "run_attr", Kind = AuditKinds.Issuance })).Single().Event;

        Assert.Equal("issued", decision.Outcome);
        Assert.Equal("support-refunds-own-tenant", decision.Rule);
        Assert.Equal(WorkloadIssuer, decision.Evidence["actor_issuer"]);
        Assert.Equal("ES256", decision.Evidence["actor_alg"]);
        Assert.Equal(UserIssuer, decision.Evidence["user_issuer"]);
        Assert.Equal("acme", decision.Evidence["user_tenant"]);
        Assert.Equal("user", decision.Evidence["subject_kind"]);
    }

    [Fact]
    public async Task Invariant5_CredentialsPolicyVersion_TracesToAPolicyLoadedRecord()
    {
        var token = await Broker.IssueAsync();

        var loads = await Broker.AuditEventsAsync(AuditKinds.PolicyLoaded);

        var load = Assert.Single(loads);
        Assert.Equal(IssuedTokens.Read(token).GetPayloadValue<string>("pol"), load.PolicyVersion);
        Assert.Equal(Broker.Options.PolicyPath, load.Evidence["path"]);
    }

    [Fact]
    public async Task Invariant5_AuditQueryByJti_FindsTheCredentialsWholeLife()
    {
        var token = await Broker.IssueAsync();
        var jti = IssuedTokens.Read(token).Id;
        await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));
        await Broker.RevokeAsync(token, Broker.Svid(SupportAgent));
        await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        var life = await Broker.ReadAuditAsync(new AuditQuery { Jti = jti });

        Assert.Equal(
            [("issuance", "issued"), ("introspection", "accepted"), ("revocation", "revoked"), ("introspection", "rejected")],
            life.Select(r => (r.Event.Kind, r.Event.Outcome)));
    }
}
