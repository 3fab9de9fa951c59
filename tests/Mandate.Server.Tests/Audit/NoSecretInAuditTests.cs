using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>Invariant 8: tokens appear in the audit trail only as their id, never as the token itself.</summary>
[Trait("Invariant", "8")]
public sealed class NoSecretInAuditTests : BrokerTest
{
    [Fact]
    public async Task Invariant8_FullFlow_NoTokenAppearsAnywhereInTheAuditTable()
    {
        var actor = Broker.Svid(SupportAgent);
        var user = Broker.UserToken();
        var tool = Broker.Svid(RefundsWorkload);
        var expiredActor = HostileTokens.Create(TokenDefect.Expired, Broker.WorkloadKey, Broker.WorkloadClaims(SupportAgent), Broker.Now);
        var request = Broker.RefundRequest() with { ActorToken = actor, SubjectToken = user };

        var credential = await Broker.IssueAsync(request);
        var crm = await Broker.IssueAsync(request with { Resource = Crm, Scope = "crm:read" });
        await Broker.ExchangeAsync(request with { Tenant = "globex" });
        await Broker.ExchangeAsync(request with { ActorToken = expiredActor });
        await Broker.IntrospectAsync(credential, tool);
        await Broker.IntrospectAsync(crm, tool);
        await Broker.RevokeAsync(credential, actor);
        await Broker.IntrospectAsync(credential, tool);
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("tenant", "acme", "incident");
        }

        var audit = await Broker.AuditTableTextAsync();

        Assert.True((await Broker.ReadAuditAsync()).Count >= 10);
        foreach (var token in new[] { credential, crm, actor, user, tool, expiredActor })
        {
            Assert.DoesNotContain(token, audit, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[1], audit, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], audit, StringComparison.Ordinal);
        }

        Assert.Contains(IssuedTokens.Read(credential).Id, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant8_RefusalOfAHostileToken_DoesNotEchoItInTheErrorOrTheAudit()
    {
        var forged = HostileTokens.Create(TokenDefect.ForgedSignature, Broker.UserKey, Broker.UserClaims(), Broker.Now);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = forged });

        Expect.Refused(reply, "invalid_request");
        Assert.DoesNotContain(forged.Split('.')[1], reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(forged.Split('.')[1], await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
    }
}
