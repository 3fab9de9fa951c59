using Mandate.Core.Audit;
using Mandate.Core.Revocation;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 6: revoking a run cascades to the runs of its sub-agents. `mandate revoke --run` kills the credentials
/// and run tokens of every run below it, not only those of the run named.
/// </summary>
[Trait("Invariant", "6")]
public sealed class RunRevocationCascadeTests : BrokerTest
{
    [Fact]
    public async Task Invariant6_AdminRevokesRun_SubAgentRunsCredentialsAreInactiveAndItsRunTokenGetsNothing()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var childCredential = await Broker.IssueInRunAsync(child, ExecutorAgent);
        var other = await Broker.IssueInRunAsync(await Broker.StartRunAsync());

        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", RunId(parent), "incident");
        }

        Assert.False(await Broker.ActiveAsync(childCredential));
        Assert.True(await Broker.ActiveAsync(other));
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent)), "invalid_request", "was revoked (run revocation");
        var cascaded = (await Broker.AuditEventsAsync(AuditKinds.Revocation)).Single(e => e.Run == RunId(child));
        Assert.Equal(RunId(parent), cascaded.Evidence["cascaded_from"]);
    }

    [Fact]
    public async Task Invariant6_RunRevokedWithoutItsSubtree_SubAgentRunTokenStillRefusedThroughItsAncestor()
    {
        // What a revocation made while a sub-agent's run was being delegated (or during an outage) holds: the parent's
        // row alone. The child's run token was issued before it, so it is covered through its lineage.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var before = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count;
        Broker.Runtime.Revocations.Add(ParentAlone(parent));

        var credential = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent));
        var grandchild = await Broker.ExchangeAsync(Broker.RunTokenRequest(child, ExecutorAgent));

        Expect.Refused(credential, "invalid_request", $"of its ancestor run '{RunId(parent)}'");
        Expect.Refused(grandchild, "invalid_request", $"of its ancestor run '{RunId(parent)}'");
        Assert.Equal(before, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
    }

    [Fact]
    public async Task Invariant6_RunRevokedWithoutItsSubtree_SubAgentCredentialIssuedBeforeIsInactiveThroughItsAncestor()
    {
        // Two nodes: node B delegates and issues in the child run while node A revokes the parent, whose cascade listed
        // the subtree before the child was recorded. Once B hears, the parent's row alone must kill the child's credential.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var childCredential = await Broker.IssueInRunAsync(child, ExecutorAgent);
        Assert.True(await Broker.ActiveAsync(childCredential));
        Broker.Runtime.Revocations.Add(ParentAlone(parent));

        Assert.False(await Broker.ActiveAsync(childCredential));
        var rejected = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Introspection), e => e.Outcome == "rejected");
        Assert.Equal("revoked (run revocation rev_parent_only)", rejected.Reason);
    }

    /// <summary>A revocation row for the parent run alone, as a node that never cascaded it holds it.</summary>
    private Revocation ParentAlone(string parent) => new()
    {
        Id = "rev_parent_only",
        Target = RevocationTarget.Run,
        Value = RunId(parent),
        RevokedAt = Broker.Now,
        KeepUntil = Broker.Now.AddHours(9),
        RevokedBy = "admin",
    };
}
