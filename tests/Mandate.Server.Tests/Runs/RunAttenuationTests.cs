using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariants 3 and 4 along a delegation tree: a child run, its renewals and the credentials issued in it never gain
/// scope or lifetime over what they derive from, whatever the scope text looks like and whoever presents the token.
/// </summary>
public sealed class RunAttenuationTests : BrokerTest
{
    [Theory]
    [InlineData("REFUNDS:WRITE")]
    [InlineData("Refunds:write")]
    [InlineData("refunds%3Awrite")]
    public async Task Invariant3_ChildScopeThatOnlyResemblesTheParents_ReturnsInvalidScopeAndCreatesNoRun(string scope)
    {
        // RFC 6749 §3.3: scope tokens are case-sensitive and the form is decoded once; neither is the parent's scope.
        var parent = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, scope));

        Expect.Refused(reply, "invalid_scope", $"scope '{scope}' is not defined by any tool");
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task Invariant3_ChildRepeatsAScope_GetsItOnceAndNothingElse()
    {
        var parent = await Broker.StartRunAsync();

        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write refunds:write");

        Assert.Equal("""{"refunds":["refunds:write"]}""", Azd(child).GetProperty("tools").GetRawText());
    }

    [Fact]
    public async Task Invariant3_ChildRenewal_KeepsTheChildsEnvelopeNeverTheParents()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var widened = await Broker.ExchangeAsync(Broker.RunTokenRequest(child, ExecutorAgent, "refunds:read refunds:write"));
        var renewed = await Broker.DelegateAsync(child, ExecutorAgent);

        Expect.Refused(widened, "invalid_scope", "it cannot add scopes");
        Assert.Equal("""{"refunds":["refunds:write"]}""", Azd(renewed).GetProperty("tools").GetRawText());
        Assert.Equal(RunId(child), RunId(renewed));
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(renewed, ExecutorAgent, scope: "refunds:read")), "invalid_scope");
    }

    [Theory]
    [InlineData(SupportAgent)]
    [InlineData(CheckerAgent)]
    public async Task Invariant3_ChildRunTokenPresentedByAnotherAgentOfTheTree_IssuesNoCredential(string presenter)
    {
        // The supervisor above the child and a sibling sub-agent: only the child's own agent may use its run token.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:read refunds:write");

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(child, presenter, scope: "refunds:read"));

        Expect.Refused(reply, "invalid_request", $"actor_token is '{presenter}' but the run belongs to '{ExecutorAgent}'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant4_ChildRunTokenShortenedByRequest_CredentialsInItExpireWithIt()
    {
        var parent = await Broker.StartRunAsync();
        var child = Expect.Issued(await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write") with { RequestedLifetime = 60 }));

        var credential = await Broker.IssueInRunAsync(child, ExecutorAgent);

        Assert.Equal(TimeSpan.FromSeconds(60), IssuedTokens.Lifetime(child));
        Assert.Equal(IssuedTokens.Read(child).GetPayloadValue<long>("exp"), IssuedTokens.Read(credential).GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task Invariant4_CredentialInAChildRun_NeverOutlivesTheDelegatingAgentsMaxLifetime()
    {
        // The support agent's credentials live at most 3m; the executor has no cap of its own and the default is 4m.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        var credential = await Broker.IssueInRunAsync(child, ExecutorAgent);
        var longer = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent) with { RequestedLifetime = (int)SupportMaxLifetime.TotalSeconds + 1 });

        Assert.Equal(SupportMaxLifetime, IssuedTokens.Lifetime(credential));
        Expect.Refused(longer, "invalid_request", $"max_lifetime of agent '{SupportAgent}'");
    }

    [Fact]
    public async Task Invariant4_ChildRenewedUntilTheParentRunsEnd_NeverOutlivesTheParentRun()
    {
        var parent = await Broker.StartRunAsync();
        var end = (await ForgedRunTokens.RecordOfAsync(Broker, parent)).ExpiresAt;
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var step = Broker.Options.Runs.TokenLifetime - TimeSpan.FromMinutes(1);
        while (Broker.Now + step < end)
        {
            Broker.Clock.Advance(step);
            child = await Broker.DelegateAsync(child, ExecutorAgent);
            Assert.True(IssuedTokens.Read(child).GetPayloadValue<long>("exp") <= end.ToUnixTimeSeconds());
        }

        Assert.Equal(end.ToUnixTimeSeconds(), IssuedTokens.Read(child).GetPayloadValue<long>("exp"));
        Assert.Equal(end, (await ForgedRunTokens.RecordOfAsync(Broker, child)).ExpiresAt);
        Broker.Clock.Advance(end - Broker.Now);
        Expect.Refused(await Broker.ExchangeAsync(Broker.RunTokenRequest(child, ExecutorAgent)), "invalid_request", "subject_token has expired");
    }

    [Fact]
    public async Task Invariant4_RunStartAskingForMoreThanTheRunTokenLifetime_ReturnsInvalidRequestNamingTheLimit()
    {
        var asked = (int)Broker.Options.Runs.TokenLifetime.TotalSeconds + 1;

        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest() with { RequestedLifetime = asked });

        Expect.Refused(reply, "invalid_request", $"requested_lifetime {asked}s is longer than runs.token_lifetime allows");
        Assert.Empty(await RunsAsync());
    }

    private Task<IReadOnlyList<Mandate.Core.Runs.RunRecord>> RunsAsync() =>
        Broker.Runtime.Store.ListRunsAsync(new Mandate.Core.Runs.RunQuery(), CancellationToken.None);
}
