using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>Disabling a supervisor also stops the sub-agents working in its runs.</summary>
public sealed class KillSwitchCascadeTests : BrokerTest
{
    [Fact]
    public async Task KillSwitch_OnSupervisor_SubAgentGetsNothingNewInItsRun()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        await Broker.IssueInRunAsync(child, ExecutorAgent);

        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("agent", SupportAgent, "incident");
        }

        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent));

        Expect.Refused(reply, "invalid_request", "delegation chain is disabled");
    }
}
