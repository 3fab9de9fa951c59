using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 6 across the run grants: after `mandate revoke --agent`, renewing, delegating and asking for a
/// credential inside the run are refused, each through the one shared attestation of the caller and the
/// one check that the run's principals are still allowed. Nothing is issued.
/// </summary>
public sealed class RunKillSwitchGrantTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_Renewal_AgentDisabled_RefusedInvalidRequestNothingIssued()
    {
        var runToken = await Broker.StartRunAsync();
        await RevokeAgentAsync(SupportAgent);
        var before = await Broker.ReadAuditAsync();

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, SupportAgent));

        Expect.Refused(reply, "invalid_request", $"agent '{SupportAgent}' is disabled");
        Assert.Equal(before.Count, (await Broker.ReadAuditAsync()).Count);
    }

    [Fact]
    public async Task Invariant6_Delegation_SupervisorDisabled_SubAgentCannotDelegateFromItsRunToken()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        await RevokeAgentAsync(OrchestratorAgent);
        var before = await Broker.ReadAuditAsync();

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write"));

        // RFC 8693 §2.2.2: the subject_token (the supervisor's run token) is no longer acceptable.
        Expect.Refused(reply, "invalid_request", $"agent '{OrchestratorAgent}' in this run's delegation chain is disabled");
        Assert.Equal(before.Count, (await Broker.ReadAuditAsync()).Count);
    }

    [Fact]
    public async Task Invariant6_Delegation_SubAgentDisabled_RefusedInvalidRequestNothingIssued()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        await RevokeAgentAsync(ExecutorAgent);

        var reply = await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write"));

        Expect.Refused(reply, "invalid_request", $"agent '{ExecutorAgent}' is disabled");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant6_ToolCredentialInRun_SupervisorDisabled_SubAgentGetsNothing()
    {
        var parent = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        await RevokeAgentAsync(OrchestratorAgent);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent));

        Expect.Refused(reply, "invalid_request", $"agent '{OrchestratorAgent}' in this run's delegation chain is disabled");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant6_KillSwitchLifted_RunTokenHeldBeforeStaysRevokedAfterTheLiftedRowIsPurged()
    {
        // runs.token_lifetime (15m) outlives lifetimes.max (5m): the lifted row must outlive the run token too.
        var runToken = await Broker.StartRunAsync();
        await RevokeAgentAsync(SupportAgent);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        Broker.Clock.Advance(TimeSpan.FromMinutes(7));
        Broker.Runtime.Revocations.Purge(Broker.Now);
        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Expect.Refused(reply, "invalid_request", "was revoked (agent revocation");
    }

    [Fact]
    public async Task KillSwitchLiftedWithinTheSecond_RunStartedAfterTheLift_GetsItsCredential()
    {
        // A run token's iat is whole seconds, the run's recorded start precise: a run started after the lift, in the
        // kill switch's own second, is judged from its start, not from an iat that reads as before the kill switch.
        await LiftedWithinOneSecondAsync(startRunFirst: false);
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Expect.Issued(reply);
    }

    [Fact]
    public async Task Invariant6_KillSwitchWithinTheSecond_RunStartedBeforeIt_StaysRevokedAfterTheLift()
    {
        var runToken = await LiftedWithinOneSecondAsync(startRunFirst: true);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken!));

        Expect.Refused(reply, "invalid_request", "was revoked (agent revocation");
    }

    /// <summary>At 100 ms past a whole second: (a run started,) the kill switch 100 ms later, lifted 100 ms after that.</summary>
    private async Task<string?> LiftedWithinOneSecondAsync(bool startRunFirst)
    {
        Broker.Clock.Advance(TimeSpan.FromMilliseconds(1100) - TimeSpan.FromTicks(Broker.Now.Ticks % TimeSpan.TicksPerSecond));
        var runToken = startRunFirst ? await Broker.StartRunAsync() : null;
        Broker.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await RevokeAgentAsync(SupportAgent);
        Broker.Clock.Advance(TimeSpan.FromMilliseconds(100));
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "false alarm");
        }

        Broker.Clock.Advance(TimeSpan.FromMilliseconds(100));
        return runToken;
    }

    private async Task RevokeAgentAsync(string agent)
    {
        using var admin = Broker.Admin();
        await admin.RevokeAsync("agent", agent, "kill switch");
    }
}
