using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// R12 at collection: an approval approved under one configuration and collected after a restart under another is held
/// to the registration in force then, as the exchange is: a tool the agent no longer declares, a tenant it no longer
/// serves, or a scope the tool no longer offers yields no credential.
/// </summary>
public sealed class ApprovalRegistryChangeTests : ApprovalTest
{
    private const string SupportLine = "tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 3m";

    [Theory]
    [InlineData(SupportLine, "tenants: [acme, globex], tools: [crm], max_lifetime: 3m", "invalid_target", "resolve.tool_undeclared")]
    [InlineData(SupportLine, "tenants: [globex], tools: [refunds, crm], max_lifetime: 3m", "invalid_target", "resolve.tenant_unregistered")]
    [InlineData("scopes: [refunds:read, refunds:write, refunds:admin], workloads:", "scopes: [refunds:read, refunds:admin], workloads:", "invalid_scope", "resolve.scope_unknown")]
    public async Task Invariant1_ApprovalPoll_RegistrationChangedSinceItWasAsked_RefusedAsTheExchangeWouldAndNothingIssued(string was, string now, string error, string check)
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        Assert.Contains(was, ApprovalConfiguration, StringComparison.Ordinal);
        await Broker.StopAsync();
        await using var restarted = await BrokerHarness.StartNodeAsync(Broker.Directory, "mandate.yaml", ApprovalConfiguration.Replace(was, now, StringComparison.Ordinal), Broker.Clock);

        var reply = await PollAsync(id, node: restarted);

        Expect.Refused(reply, error, "nothing was issued");
        Assert.Equal(check, reply.Member("check_id"));
        Assert.Empty(await restarted.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Null((await restarted.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Jti);
    }
}
