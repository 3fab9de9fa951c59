using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Credentials inside a run: the run token is the subject, the run's agent the actor; tenant and user
/// come from the run, tool and scopes stay inside its envelope, and nothing outlives the run token.
/// </summary>
public sealed class RunCredentialTests : BrokerTest
{
    [Fact]
    public async Task InRun_RunTokenAsSubject_IssuesACredentialAttributedToTheRun()
    {
        var runToken = await Broker.StartRunAsync();

        var credential = await Broker.IssueInRunAsync(runToken);

        var jwt = IssuedTokens.Read(credential);
        Assert.Equal(RunId(runToken), jwt.GetPayloadValue<string>("run"));
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal("acme", jwt.GetPayloadValue<string>("tenant"));
        Assert.Equal([Refunds], jwt.Audiences);
        Assert.Equal("refunds:write", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal([SupportAgent], ActChain(credential));
        var introspected = await Broker.IntrospectAsync(credential, Broker.Svid(RefundsWorkload));
        Assert.True(IntrospectionReply.Active(introspected));
        Assert.Equal(RunId(runToken), introspected.Json.GetProperty("run").GetString());
    }

    [Fact]
    public async Task InRun_ScopeOutsideTheEnvelope_ReturnsInvalidScope()
    {
        var runToken = await Broker.StartRunAsync(scope: "refunds:read");

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken, scope: "refunds:read refunds:write"));

        Expect.Refused(reply, "invalid_scope", "'refunds:write' exceed the envelope of run", RunId(runToken));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_ToolOutsideTheEnvelope_ReturnsInvalidTarget()
    {
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken, tool: Crm, scope: "crm:read"));

        Expect.Refused(reply, "invalid_target", "tool 'crm' is outside the envelope of run", RunId(runToken));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_AnotherAgentPresentsTheRunToken_ReturnsInvalidRequest()
    {
        // The executor declared refunds and has a rule for it, so only the run's ownership stops it.
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken, ExecutorAgent));

        Expect.Refused(reply, "invalid_request", $"actor_token is '{ExecutorAgent}' but the run belongs to '{SupportAgent}'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_TenantOtherThanTheRuns_ReturnsInvalidTarget()
    {
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken) with { Tenant = "globex" });

        Expect.Refused(reply, "invalid_target", "the run is in tenant 'acme'; a run cannot switch tenant (requested 'globex')");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_RunParameterNamingAnotherRun_ReturnsInvalidRequest()
    {
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken) with { Run = "run_other" });

        Expect.Refused(reply, "invalid_request", "the run parameter does not match the run token");
    }

    [Fact]
    public async Task InRun_RunTokenAboutToExpire_CredentialExpiresNoLaterThanTheRunToken()
    {
        var runToken = await Broker.StartRunAsync();
        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime - TimeSpan.FromMinutes(1));

        var credential = await Broker.IssueInRunAsync(runToken);

        var runTokenExpiry = IssuedTokens.Read(runToken).GetPayloadValue<long>("exp");
        Assert.Equal(runTokenExpiry, IssuedTokens.Read(credential).GetPayloadValue<long>("exp"));
        Assert.Equal(TimeSpan.FromMinutes(1), IssuedTokens.Lifetime(credential));
    }

    [Fact]
    public async Task InRun_RequestedLifetimeBeyondTheRunToken_ReturnsInvalidRequestNamingTheLimit()
    {
        var runToken = await Broker.StartRunAsync();
        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime - TimeSpan.FromMinutes(1));

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken) with { RequestedLifetime = 120 });

        Expect.Refused(reply, "invalid_request", "requested_lifetime 120s is longer than the expiry of the presented run token allows (60s)");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_RequestedLifetimeBeyondTheAgentsCap_ReturnsInvalidRequestNamingTheLimit()
    {
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken) with { RequestedLifetime = 240 });

        Expect.Refused(reply, "invalid_request", $"requested_lifetime 240s is longer than max_lifetime of agent '{SupportAgent}' allows (180s)");
    }

    [Fact]
    public async Task InRun_ExpiredRunToken_ReturnsInvalidRequest()
    {
        var runToken = await Broker.StartRunAsync();
        Broker.Clock.Advance(Broker.Options.Runs.TokenLifetime);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Expect.Refused(reply, "invalid_request", "subject_token has expired; renew it while the run is open");
        await Broker.AssertNothingIssuedAsync();
    }
}
