using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>RFC 8693 §4.4: a user token's <c>may_act</c> names the only workload that may act for the user.</summary>
public sealed class MayActRunTests : BrokerTest
{
    [Fact]
    public async Task StartRun_MayActNamesAnotherAgent_ReturnsInvalidRequest()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(subjectToken: UserTokenMayAct(ResearchAgent)));

        Expect.Refused(reply, "invalid_request", "subject_token's may_act claim names another party; only that workload may act for this user");
        Assert.Empty(await Broker.Runtime.Store.ListRunsAsync(new Mandate.Core.Runs.RunQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task StartRun_MayActNamesThisAgent_StartsTheRun()
    {
        var runToken = await Broker.StartRunAsync(subjectToken: UserTokenMayAct(SupportAgent));

        Assert.Equal("alice", IssuedTokens.Read(runToken).Subject);
        Assert.True(await Broker.ActiveAsync(await Broker.IssueInRunAsync(runToken)));
    }

    [Fact]
    public async Task Exchange_MayActNamesAnotherAgent_ReturnsInvalidRequest()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = UserTokenMayAct(ResearchAgent) });

        Expect.Refused(reply, "invalid_request", "may_act claim names another party");
        await Broker.AssertNothingIssuedAsync();
    }

    public static TheoryData<object> MalformedMayAct =>
    [
        ResearchAgent,
        42,
        new[] { ResearchAgent },
        new Dictionary<string, object> { ["iss"] = WorkloadIssuer },
        new Dictionary<string, object> { ["sub"] = 7 },
    ];

    [Theory]
    [MemberData(nameof(MalformedMayAct))]
    public async Task StartRun_MayActNotAnObjectWithAStringSub_ReturnsInvalidRequest(object mayAct)
    {
        // Unreadable is not absent: ignoring it would let any workload act for the user.
        var claims = Broker.UserClaims();
        claims["may_act"] = mayAct;

        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(subjectToken: Broker.UserKey.Sign(claims)));

        Expect.Refused(reply, "invalid_request", "subject_token has a 'may_act' claim that is not an object with a 'sub'");
    }

    private string UserTokenMayAct(string agent)
    {
        var claims = Broker.UserClaims();
        claims["may_act"] = new Dictionary<string, object> { ["sub"] = agent };
        return Broker.UserKey.Sign(claims);
    }
}
