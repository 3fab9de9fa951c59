using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// A run named by the caller (no run token) is only a label: it cannot be a run an operator revoked, or a
/// recorded run whose run token the caller does not present, and it stays the run of the agent, tenant and user that
/// first used it (invariant 5: a run's records answer for one principal).
/// </summary>
public sealed class CallerNamedRunTests : BrokerTest
{
    [Fact]
    public async Task Exchange_NamingARevokedRun_ReturnsInvalidRequestAndIssuesNothingNew()
    {
        await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run-incident-7" });
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", "run-incident-7", "compromised");
        }

        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Run = "run-incident-7" });

        Expect.Refused(reply, "invalid_request", "run 'run-incident-7' was revoked");
        Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }

    [Fact]
    public async Task Exchange_NamingARecordedRunWithoutItsRunToken_ReturnsInvalidRequest()
    {
        var started = await Broker.PostFormAsync("/oauth2/token",
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("requested_token_type", "urn:ietf:params:oauth:token-type:txn_token"),
            new("subject_token", Broker.UserToken()),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            new("actor_token", Broker.Svid(TestBroker.SupportAgent)),
            new("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            new("scope", "refunds:write"),
        ]);
        var runId = IssuedTokens.Read(Expect.Issued(started)).GetClaim("txn").Value;

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Run = runId });

        Expect.Refused(reply, "invalid_request", "is a recorded run", "present its run token");
    }

    [Theory]
    [InlineData(TestBroker.OrchestratorAgent, "alice", "acme")]
    [InlineData(TestBroker.SupportAgent, "bob", "acme")]
    [InlineData(TestBroker.SupportAgent, "alice", "globex")]
    public async Task Invariant5_NamingARunAnotherAgentTenantOrUserAlreadyUses_ReturnsInvalidRequestAndIssuesNothing(string agent, string user, string tenant)
    {
        await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run-incident-9" });

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with
        {
            ActorToken = Broker.Svid(agent),
            SubjectToken = Broker.UserToken(user, tenant),
            Run = "run-incident-9",
        });

        Expect.Refused(reply, "invalid_request", "run 'run-incident-9' is already the run of another agent, tenant or user", "name a run id of your own");
        Assert.DoesNotContain(TestBroker.SupportAgent, reply.Description, StringComparison.Ordinal);
        var records = await Broker.ReadAuditAsync(new Core.Audit.AuditQuery { Run = "run-incident-9" });
        Assert.All(records, r => Assert.Equal((TestBroker.SupportAgent, "alice", "acme"), (r.Event.Agent, r.Event.User, r.Event.Tenant)));
        Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }

    [Fact]
    public async Task Invariant5_SameNewRunNamedByTwoUsersAtOnce_OnlyOneGetsACredentialInIt()
    {
        for (var round = 0; round < Cluster.ClusterRace.Rounds; round++)
        {
            var run = $"run-raced-{round}";
            var alice = Broker.RefundRequest() with { Run = run };
            var bob = Broker.RefundRequest() with { SubjectToken = Broker.UserToken("bob"), Run = run };

            var replies = await Cluster.ClusterRace.AtOnceAsync(() => Broker.ExchangeAsync(alice), () => Broker.ExchangeAsync(bob));

            // Both pass the check before the decision; the one whose record is second in the trail gets nothing.
            Assert.Single(replies, r => r.Status == System.Net.HttpStatusCode.OK);
            var refused = Assert.Single(replies, r => r.Status != System.Net.HttpStatusCode.OK);
            Expect.Refused(refused, "invalid_request", $"run '{run}' is already the run of another agent, tenant or user");
        }
    }

    [Fact]
    public async Task Exchange_NamingItsOwnRunAgain_IsIssuedInThatRun()
    {
        await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run-incident-10" });

        var again = IssuedTokens.Read(await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run-incident-10" }));

        Assert.Equal("run-incident-10", again.GetPayloadValue<string>("run"));
    }
}
