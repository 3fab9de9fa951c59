using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>RFC 7009 revocation by the workloads involved: the agent that holds the credential, or its tool.</summary>
[Trait("Invariant", "6")]
public sealed class TokenRevocationTests : BrokerTest
{
    [Fact]
    public async Task Revoke_AgentRevokesItsOwnCredential_IntrospectionReturnsInactive()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.RevokeAsync(token, Broker.Svid(SupportAgent));
        var after = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Empty(reply.Body);
        Assert.Equal("no-store", reply.Header("Cache-Control"));
        IntrospectionReply.AssertInactive(after);
        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal(IssuedTokens.Read(token).Id, record.Jti);
        Assert.Equal(SupportAgent, record.Evidence["revoked_by"]);
    }

    [Fact]
    public async Task Revoke_ToolRevokesCredentialAddressedToIt_IntrospectionReturnsInactive()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.RevokeAsync(token, Broker.Svid(RefundsWorkload));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));
    }

    [Fact]
    public async Task Revoke_ThirdPartyWorkload_ReturnsUnauthorizedClientAndCredentialStaysActive()
    {
        var token = await Broker.IssueAsync();

        var byResearch = await Broker.RevokeAsync(token, Broker.Svid(ResearchAgent));
        var byCrm = await Broker.RevokeAsync(token, Broker.Svid(CrmWorkload));

        Expect.Refused(byResearch, "unauthorized_client", "only the agent holding the credential or its tool may revoke it");
        Expect.Refused(byCrm, "unauthorized_client");
        Assert.Equal(("revoke.not_holder", "revoke.not_holder"), (byResearch.Member("check_id"), byCrm.Member("check_id")));
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
    }

    [Fact]
    public async Task Revoke_TokenTheBrokerNeverIssued_Returns200AndRecordsNothing()
    {
        // RFC 7009 §2.2: invalid tokens need no revoking, and saying so would help probing.
        var reply = await Broker.RevokeAsync(Broker.Svid(SupportAgent), Broker.Svid(SupportAgent));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Fact]
    public async Task Revoke_NoBearer_Returns401InvalidClient()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.PostFormAsync("oauth2/revoke", [new("token", token)]);

        Expect.Refused(reply, "invalid_client");
        Assert.Equal("client.credentials_missing", reply.Member("check_id"));
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("id_token")]
    [InlineData("urn:example:unknown")]
    public async Task Revoke_AnyTokenTypeHint_IsOnlyAHintAndTheCredentialIsRevoked(string hint)
    {
        // RFC 7009 §2.1: a server that cannot locate the token by its hint MUST search all its token types.
        var token = await Broker.IssueAsync();

        var reply = await Broker.PostFormAsync("oauth2/revoke", [new("token", token), new("token_type_hint", hint)], Broker.Svid(SupportAgent));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));
    }

    [Fact]
    public async Task Revoke_ExpiredCredentialByItsAgent_Returns200()
    {
        var token = await Broker.IssueAsync();
        Broker.Clock.Advance(SupportMaxLifetime + TimeSpan.FromSeconds(1));

        var reply = await Broker.RevokeAsync(token, Broker.Svid(SupportAgent));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload)));
    }

    [Theory]
    [InlineData("open")]
    [InlineData("ended")]
    [InlineData("agent disabled")]
    public async Task Revoke_RunTokenByAWorkloadOutsideItsChain_IsRefusedAlike_WhetherTheRunIsOpenOrNot(string state)
    {
        // RFC 7009 §2.1: the refusal of a caller the token was not issued to must not tell it whether the run still stands.
        var runToken = await Broker.StartRunAsync();
        if (state == "ended")
        {
            Assert.Equal(HttpStatusCode.OK, (await Broker.EndRunAsync(runToken, SupportAgent)).Status);
        }
        else if (state == "agent disabled")
        {
            using var admin = Broker.Admin();
            await admin.RevokeAsync("agent", SupportAgent, "incident");
        }

        var byCrm = await Broker.EndRunAsync(runToken, CrmWorkload);

        Expect.Refused(byCrm, "unauthorized_client", "only the run's agent or an agent above it in the delegation chain may end a run");
        Assert.Equal("revoke.not_run_actor", byCrm.Member("check_id"));
    }
}
