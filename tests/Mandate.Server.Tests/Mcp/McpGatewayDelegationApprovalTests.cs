using System.Net;
using Mandate.Client;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// Invariant 3 at the gateway, for approvals: when the rule of an agent up the chain requires a human to approve a call,
/// the sub-agent's identical call waits for that approval under that agent's rule, even though the sub-agent's own rule
/// allows it plainly; only an approval bound to this very call in this very run lets it through, once.
/// </summary>
[Trait("Invariant", "3")]
public sealed class McpGatewayDelegationApprovalTests : McpGatewayChainTest
{
    [Fact]
    public async Task Invariant3_ParentsRuleRequiresApproval_ChildsCallWaitsUnderTheParentsRuleThenGoesThroughOnce()
    {
        var child = await DelegateAsync(await RootRunAsync());
        var credential = await CredentialInAsync(child);

        var approvalId = await PendingAsync(credential, Refund(500));

        var approval = (await Gateway.Broker.Runtime.Store.GetApprovalAsync(approvalId, CancellationToken.None))!;
        Assert.Equal((ExecutorAgent, RunId(child), "mcp-large-refunds"), (approval.Agent, approval.Run, approval.Rule));
        Assert.Contains($"rule 'mcp-large-refunds' of delegating agent '{SupportAgent}'", approval.BindingMessage, StringComparison.Ordinal);
        var asked = Assert.Single(await Gateway.Broker.AuditEventsAsync(AuditKinds.ApprovalRequested));
        Assert.Equal(SupportAgent, asked.Evidence["approval_required_by"]);
        var pending = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal(("pending", "mcp-large-refunds", SupportAgent), (pending.Outcome, pending.Rule, pending.Evidence["approval_required_by"]));
        Assert.Empty(Gateway.Upstream.Calls("refund"));

        await ApproveAsync(approvalId);
        using (var approved = await CallAsync(credential, "refund", Refund(500)))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        // Single use: the same call again asks for a new approval.
        Assert.NotEqual(approvalId, await PendingAsync(credential, Refund(500)));
        Assert.Single(Gateway.Upstream.Calls("refund"));
        Assert.Equal(ApprovalStatus.Consumed, (await Gateway.Broker.Runtime.Store.GetApprovalAsync(approvalId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Invariant3_ApprovalGrantedToTheParentsOwnRun_DoesNotLetTheChildsCallThrough()
    {
        var parent = await RootRunAsync();
        var child = await CredentialInAsync(await DelegateAsync(parent));
        var parentsOwn = await PendingAsync(await CredentialInAsync(parent, SupportAgent), Refund(500));
        await ApproveAsync(parentsOwn);

        var childs = await PendingAsync(child, Refund(500));

        Assert.NotEqual(parentsOwn, childs);
        Assert.Equal(ApprovalStatus.Approved, (await Gateway.Broker.Runtime.Store.GetApprovalAsync(parentsOwn, CancellationToken.None))!.Status);
        Assert.Empty(Gateway.Upstream.Calls("refund"));
    }

    [Fact]
    public async Task Invariant3_ApprovalGrantedForAnotherCallOrASiblingRun_DoesNotLetTheChildsCallThrough()
    {
        var parent = await RootRunAsync();
        var child = await CredentialInAsync(await DelegateAsync(parent));
        var sibling = await CredentialInAsync(await DelegateAsync(parent, CheckerAgent), CheckerAgent);
        var otherCall = await PendingAsync(child, Refund(600));
        var siblingsCall = await PendingAsync(sibling, Refund(500));
        await ApproveAsync(otherCall);
        await ApproveAsync(siblingsCall);

        var childs = await PendingAsync(child, Refund(500));

        Assert.DoesNotContain(childs, new[] { otherCall, siblingsCall });
        Assert.Empty(Gateway.Upstream.Calls("refund"));
    }

    [Fact]
    public async Task Invariant3_ReloadChangedOnlyAnUnrelatedRule_ApprovalUnderTheParentsRuleStandsAndTheCallGoesThrough()
    {
        var credential = await CredentialInAsync(await DelegateAsync(await RootRunAsync()));
        var approvalId = await PendingAsync(credential, Refund(500));
        await ReloadAsync(Policy + """

              - id: research-looks-orders-up
                reason: Research may look orders up.
                effect: allow
                agents: ["spiffe://acme.example/agents/research/*"]
                tools: [vault-mcp]
                mcp: { tools: [lookup_order] }
            """);

        await ApproveAsync(approvalId);
        using var approved = await CallAsync(credential, "refund", Refund(500));

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(ApprovalStatus.Consumed, (await Gateway.Broker.Runtime.Store.GetApprovalAsync(approvalId, CancellationToken.None))!.Status);
        Assert.Empty(await Gateway.Broker.AuditEventsAsync(AuditKinds.ApprovalRefused));
    }

    [Fact]
    public async Task Invariant3_ReloadNarrowedTheParentsRuleToAnotherTenant_ApprovingIsRefusedPolicyChangedAndNothingCalled()
    {
        var credential = await CredentialInAsync(await DelegateAsync(await RootRunAsync()));
        var approvalId = await PendingAsync(credential, Refund(500));
        const string Rule = "mcp: { tools: [refund], record_arguments: true }";
        await ReloadAsync(Policy.Replace(Rule, Rule + "\n    tenant: [globex]", StringComparison.Ordinal));

        using (var admin = Gateway.Broker.Admin())
        {
            var conflict = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(approvalId, approve: true, "admin:alice", "customer called"));
            Assert.Equal((409, ApprovalChecks.PolicyChanged.Id), (conflict.Status, conflict.CheckId));
            Assert.Contains($"agent '{SupportAgent}'", conflict.Description, StringComparison.Ordinal);
        }

        Assert.Equal(ApprovalStatus.Withdrawn, (await Gateway.Broker.Runtime.Store.GetApprovalAsync(approvalId, CancellationToken.None))!.Status);
        Assert.Empty(Gateway.Upstream.Calls("refund"));
    }

    /// <summary>The call is answered 403 -31428 mcp.approval_pending under the parent's rule; returns the approval id.</summary>
    private async Task<string> PendingAsync(string credential, string arguments)
    {
        using var response = await CallAsync(credential, "refund", arguments);
        var error = await JsonRpcErrorAsync(response, 403);
        Assert.Equal(-31428, error.GetProperty("code").GetInt32());
        var data = error.GetProperty("data");
        Assert.Equal(("mcp.approval_pending", "mcp-large-refunds"), (data.GetProperty("check_id").GetString(), data.GetProperty("rule").GetString()));
        return data.GetProperty("approval_id").GetString()!;
    }

    private async Task ReloadAsync(string policy)
    {
        await Gateway.Broker.WritePolicyAsync(policy);
        var reloaded = await Gateway.Broker.Runtime.Policy.ReloadAsync();
        Assert.True(reloaded.IsValid, string.Join("; ", reloaded.Problems));
    }

    private async Task ApproveAsync(string approvalId)
    {
        using var admin = Gateway.Broker.Admin();
        await admin.DecideApprovalAsync(approvalId, approve: true, "admin:alice", "customer called");
    }
}
