using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 5 after the fact: a sub-agent's credential collected after a human approved it is answered for by the trail
/// alone: which agent under which root, in which run delegated from which, for which user and tenant, under which policy
/// version and rule, approved by whom.
/// </summary>
public sealed class ApprovalDelegatedAuditTests : ApprovalTest
{
    [Fact]
    public async Task Invariant5_SubAgentCredentialCollectedAfterApproval_TrailNamesTheWholeChainOfAuthority()
    {
        var root = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(root, ExecutorAgent);
        var id = await AskAsync(Broker.InRunRequest(child, ExecutorAgent));
        await ApproveAsync(id);

        var credential = Expect.Issued(await PollAsync(id, ExecutorAgent));

        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance), e => e.Evidence.GetValueOrDefault("approval_id") == id);
        var delegated = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Run), e => e.Outcome == "delegated" && e.Run == RunId(child));
        var started = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Run), e => e.Outcome == "started" && e.Run == RunId(root));
        Assert.Equal(
            (ExecutorAgent, RunId(child), "acme", Broker.Runtime.Policy.Current.Version, "big-refunds-need-approval", IssuedTokens.Read(credential).Id),
            (issuance.Agent, issuance.Run, issuance.Tenant, issuance.PolicyVersion, issuance.Rule, issuance.Jti));
        Assert.Equal(($"{SupportAgent} > {ExecutorAgent}", "admin:carol"), (issuance.Evidence["actors"], issuance.Evidence["approver"]));
        Assert.Equal([ExecutorAgent, SupportAgent], ActChain(credential));
        Assert.Equal((RunId(root), SupportAgent), (delegated.Evidence["parent_run"], started.Agent));
        Assert.NotNull(issuance.User);
        Assert.Equal((issuance.User, issuance.User), (delegated.User, started.User));
    }
}
