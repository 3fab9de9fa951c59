using System.Text.Json;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// `mandate revoke --agent` inside runs: the disabled agent loses what it holds (credentials and run
/// tokens) and gets nothing new, neither runs nor credentials nor renewals, until an operator enables it.
/// </summary>
public sealed class RunKillSwitchTests : BrokerTest
{
    private const string Disabled = "is disabled";

    [Fact]
    public async Task KillSwitch_DisabledAgent_GetsNoRunNoCredentialNoRenewalUntilEnabled()
    {
        var runToken = await Broker.StartRunAsync();
        var credential = await Broker.IssueInRunAsync(runToken);
        await RevokeAgentAsync(SupportAgent);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));

        Expect.Refused(await Broker.ExchangeAsync(Broker.StartRunRequest()), "invalid_request", Disabled, "mandate agents enable");
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(runToken)), "invalid_request", Disabled);
        Expect.Refused(await Broker.ExchangeAsync(Broker.RunTokenRequest(runToken, SupportAgent)), "invalid_request", Disabled);
        Assert.False(await Broker.ActiveAsync(credential));

        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        var fresh = await Broker.StartRunAsync();
        Assert.True(await Broker.ActiveAsync(await Broker.IssueInRunAsync(fresh)));
        Assert.False(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task KillSwitch_RunTokenHeldBeforeTheAgentWasDisabled_StaysRevokedAfterEnabling()
    {
        var runToken = await Broker.StartRunAsync();
        await RevokeAgentAsync(SupportAgent);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Expect.Refused(reply, "invalid_request", "subject_token was revoked (agent revocation");
    }

    [Fact]
    public async Task KillSwitch_DisabledSubAgent_CannotJoinARunAndLosesItsCredential()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var childCredential = await Broker.IssueInRunAsync(child, ExecutorAgent);
        var parentCredential = await Broker.IssueInRunAsync(parent);
        await RevokeAgentAsync(ExecutorAgent);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));

        Expect.Refused(await Broker.ExchangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:write")), "invalid_request", Disabled);
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent)), "invalid_request", Disabled);
        Assert.False(await Broker.ActiveAsync(childCredential));
        Assert.True(await Broker.ActiveAsync(parentCredential));
    }

    private async Task<JsonElement> RevokeAgentAsync(string agent)
    {
        using var admin = Broker.Admin();
        return await admin.RevokeAsync("agent", agent, "kill switch test");
    }
}
