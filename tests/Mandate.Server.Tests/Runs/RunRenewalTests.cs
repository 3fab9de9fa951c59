using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>Renewal: the run's agent trades its run token for a fresh one of the same run, never a wider one.</summary>
public sealed class RunRenewalTests : BrokerTest
{
    [Fact]
    public async Task Renew_TheRunsAgent_GetsAFreshRunTokenForTheSameRun()
    {
        var first = await Broker.StartRunAsync();
        Broker.Clock.Advance(TimeSpan.FromMinutes(10));

        var renewed = await Broker.DelegateAsync(first, SupportAgent);

        Assert.Equal(RunId(first), RunId(renewed));
        Assert.NotEqual(IssuedTokens.Read(first).Id, IssuedTokens.Read(renewed).Id);
        Assert.Equal((Broker.Now + Broker.Options.Runs.TokenLifetime).ToUnixTimeSeconds(), IssuedTokens.Read(renewed).GetPayloadValue<long>("exp"));
        Assert.Equal(0, Azd(renewed).GetProperty("depth").GetInt32());
        Assert.Single(await Broker.Runtime.Store.ListRunsAsync(new Mandate.Core.Runs.RunQuery(), CancellationToken.None));
        Broker.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await Broker.ActiveAsync(await Broker.IssueInRunAsync(renewed)));
    }

    [Fact]
    public async Task Renew_AskingForAScopeOutsideTheEnvelope_ReturnsInvalidScope()
    {
        var runToken = await Broker.StartRunAsync(scope: "refunds:read");

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, SupportAgent, "refunds:read refunds:write"));

        Expect.Refused(reply, "invalid_scope", $"renewing keeps the envelope of run '{RunId(runToken)}' (refunds:read); it cannot add scopes");
    }

    [Fact]
    public async Task Renew_EndedRun_ReturnsInvalidRequest()
    {
        var runToken = await Broker.StartRunAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Broker.EndRunAsync(runToken, SupportAgent)).Status);

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, SupportAgent));

        Expect.Refused(reply, "invalid_request", $"run '{RunId(runToken)}' has ended; start a new run");
    }

    [Fact]
    public async Task Renew_NearTheRunsMaximumDuration_RunTokenEndsWithTheRunAndCannotBeRenewedPastIt()
    {
        var runToken = await Broker.StartRunAsync();
        var end = Broker.Now + Broker.Options.Runs.MaxDuration;
        var step = Broker.Options.Runs.TokenLifetime - TimeSpan.FromMinutes(1);
        OAuthReply renewal;
        do
        {
            Broker.Clock.Advance(step);
            renewal = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, SupportAgent));
            runToken = Expect.Issued(renewal);
        }
        while (Broker.Now + step < end);

        Assert.Equal(end.ToUnixTimeSeconds(), IssuedTokens.Read(runToken).GetPayloadValue<long>("exp"));
        Assert.Equal((int)(end - Broker.Now).TotalSeconds, renewal.Json.GetProperty("expires_in").GetInt32());
        Broker.Clock.Advance(end - Broker.Now);
        Expect.Refused(await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, SupportAgent)), "invalid_request", "subject_token has expired");
    }
}
