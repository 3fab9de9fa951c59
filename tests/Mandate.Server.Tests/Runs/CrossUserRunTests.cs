using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// One agent serving alice and bob at once runs two runs: each credential is bound to its run's user,
/// and nothing from one run reaches, or is ended with, the other.
/// </summary>
public sealed class CrossUserRunTests : BrokerTest
{
    [Fact]
    public async Task CrossUser_SameAgentServingTwoUsers_EachCredentialIsBoundToItsRunsUser()
    {
        var (alice, bob) = await TwoRunsAsync();

        var aliceCredential = await Broker.IssueInRunAsync(alice);
        var bobCredential = await Broker.IssueInRunAsync(bob);

        Assert.Equal(("alice", RunId(alice)), (IssuedTokens.Read(aliceCredential).Subject, IssuedTokens.Read(aliceCredential).GetPayloadValue<string>("run")));
        Assert.Equal(("bob", RunId(bob)), (IssuedTokens.Read(bobCredential).Subject, IssuedTokens.Read(bobCredential).GetPayloadValue<string>("run")));
    }

    [Fact]
    public async Task CrossUser_AlicesCredential_IntrospectsWithAliceAndHerRunOnly()
    {
        var (alice, _) = await TwoRunsAsync();
        var credential = await Broker.IssueInRunAsync(alice);

        var reply = await Broker.IntrospectAsync(credential, Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(reply));
        Assert.Equal("alice", reply.Json.GetProperty("sub").GetString());
        Assert.Equal(RunId(alice), reply.Json.GetProperty("run").GetString());
    }

    [Fact]
    public async Task CrossUser_AlicesRunTokenNamingBobsRun_ReturnsInvalidRequest()
    {
        var (alice, bob) = await TwoRunsAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(alice) with { Run = RunId(bob) });

        Expect.Refused(reply, "invalid_request", "the run parameter does not match the run token");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task CrossUser_BobsUserTokenClaimingAlicesRun_ReturnsInvalidRequest()
    {
        // Without the run token, a credential for bob must not be attributed to alice's recorded run.
        var (alice, _) = await TwoRunsAsync();

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserToken("bob"), Run = RunId(alice) });

        Expect.Refused(reply, "invalid_request", $"run '{RunId(alice)}' is a recorded run; present its run token as subject_token instead of naming it");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task CrossUser_EndingBobsRun_LeavesAlicesCredentialsActive()
    {
        var (alice, bob) = await TwoRunsAsync();
        var aliceCredential = await Broker.IssueInRunAsync(alice);
        var bobCredential = await Broker.IssueInRunAsync(bob);

        await Broker.EndRunAsync(bob, SupportAgent);

        Assert.False(await Broker.ActiveAsync(bobCredential));
        Assert.True(await Broker.ActiveAsync(aliceCredential));
        Assert.True(await Broker.ActiveAsync(await Broker.IssueInRunAsync(alice)));
    }

    private async Task<(string Alice, string Bob)> TwoRunsAsync() =>
        (await Broker.StartRunAsync(), await Broker.StartRunAsync(subjectToken: Broker.UserToken("bob")));
}
