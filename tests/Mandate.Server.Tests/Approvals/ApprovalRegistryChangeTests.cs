using Mandate.Client;
using Mandate.Core.Approvals;
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

    public static TheoryData<string, string, string, string> Changes => new()
    {
        { SupportLine, "tenants: [acme, globex], tools: [crm], max_lifetime: 3m", "invalid_target", "resolve.tool_undeclared" },
        { SupportLine, "tenants: [globex], tools: [refunds, crm], max_lifetime: 3m", "invalid_target", "resolve.tenant_unregistered" },
        { "scopes: [refunds:read, refunds:write, refunds:admin], workloads:", "scopes: [refunds:read, refunds:admin], workloads:", "invalid_scope", "resolve.scope_unknown" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Invariant1_ApprovalPoll_RegistrationChangedSinceItWasAsked_RefusedAsTheExchangeWouldAndNothingIssued(string was, string now, string error, string check)
    {
        var id = await AskAsync(Broker.RefundRequest());
        await ApproveAsync(id);
        await using var restarted = await RestartAsync(was, now);

        var reply = await PollAsync(id, node: restarted);

        Expect.Refused(reply, error, "nothing was issued");
        Assert.Equal(check, reply.Member("check_id"));
        Assert.Empty(await restarted.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Null((await restarted.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Jti);
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Invariant7_PendingApprovalPoll_RegistrationChangedSinceItWasAsked_AnsweredAsTheCollectionWouldNotPending(string was, string now, string error, string check)
    {
        var id = await AskAsync(Broker.RefundRequest());
        await using var restarted = await RestartAsync(was, now);

        // OpenID CIBA Core §11: authorization_pending only while the request still waits for the user; this one never can succeed.
        var reply = await PollAsync(id, node: restarted);

        Expect.Refused(reply, error, "nothing was issued");
        Assert.Equal(check, reply.Member("check_id"));
        Assert.Equal(ApprovalStatus.Pending, (await restarted.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Empty(await restarted.AuditEventsAsync(AuditKinds.Issuance));
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Invariant7_Approve_RegistrationChangedSinceItWasAsked_ConflictNamingTheCheckLeftPendingRefusalAuditedOnce(string was, string now, string error, string check)
    {
        var id = await AskAsync(Broker.RefundRequest());
        await using var restarted = await RestartAsync(was, now);
        var before = (await restarted.ReadAuditAsync()).Count;

        using (var admin = restarted.Admin())
        {
            var conflict = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked"));
            Assert.Equal((409, check), (conflict.Status, conflict.CheckId));
            Assert.Contains($"approval '{id}' was not approved", conflict.Description, StringComparison.Ordinal);
        }

        var refusal = Assert.Single(await restarted.AuditEventsAsync(AuditKinds.ApprovalRefused));
        Assert.Equal(("refused", check, "admin:carol"), (refusal.Outcome, refusal.Evidence["check"], refusal.Evidence["approver"]));
        Assert.Equal(before + 1, (await restarted.ReadAuditAsync()).Count);
        var approval = (await restarted.Runtime.Store.GetApprovalAsync(id, CancellationToken.None))!;
        Assert.Equal((ApprovalStatus.Pending, null), (approval.Status, approval.Approver));
        Expect.Refused(await PollAsync(id, node: restarted), error, "nothing was issued");
        Assert.Empty(await restarted.AuditEventsAsync(AuditKinds.Issuance));
    }

    /// <summary>Stops the test's broker and starts it again over the same store with <paramref name="was"/> in its configuration changed to <paramref name="now"/>.</summary>
    private async Task<BrokerHarness> RestartAsync(string was, string now)
    {
        Assert.Contains(was, ApprovalConfiguration, StringComparison.Ordinal);
        await Broker.StopAsync();
        return await BrokerHarness.StartNodeAsync(Broker.Directory, "mandate.yaml", ApprovalConfiguration.Replace(was, now, StringComparison.Ordinal), Broker.Clock);
    }
}
