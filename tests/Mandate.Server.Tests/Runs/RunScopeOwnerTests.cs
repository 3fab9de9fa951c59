using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// A run's scopes are mapped to the tools the agent declared (RFC 8693 §2.1: the scope names what the token may do);
/// a scope two of those tools define cannot be mapped, so the run is refused with the way out rather than one tool
/// picked silently.
/// </summary>
public sealed class RunScopeOwnerTests : BrokerTest
{
    protected override string Configuration => TestBroker.Configuration.Replace(
        "scopes: [crm:read, crm:write]", "scopes: [crm:read, crm:write, refunds:read]", StringComparison.Ordinal);

    [Fact]
    public async Task StartRun_ScopeTwoDeclaredToolsDefine_InvalidScopeNamingBothAndTheFix_StartsNoRun()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(SupportAgent, "refunds:read"));

        Expect.Refused(reply, "invalid_scope", "scope 'refunds:read' is defined by several tools", "refunds, crm", "distinct scope names");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task StartRun_ScopeOneDeclaredToolDefines_Starts()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(SupportAgent, "refunds:write crm:read"));

        Expect.Issued(reply);
    }
}
