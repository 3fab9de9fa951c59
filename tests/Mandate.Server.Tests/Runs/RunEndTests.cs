using System.Net;
using Mandate.Client;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Ending a run, by its agent (RFC 7009 on the run token) or by an operator, ends every run below it and
/// kills every credential issued in them in one batch: introspection says inactive in the same instant.
/// The clock never moves in these tests.
/// </summary>
public sealed class RunEndTests : BrokerTest
{
    [Fact]
    public async Task EndRun_AgentRevokesItsRunToken_EveryCredentialOfTheTreeIsInactiveAtOnce()
    {
        var tree = await ThreeLevelTreeAsync();

        var reply = await Broker.EndRunAsync(tree.Root, OrchestratorAgent);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(await Broker.ActiveAsync(tree.RootCredential));
        Assert.False(await Broker.ActiveAsync(tree.ChildCredential));
        Assert.False(await Broker.ActiveAsync(tree.GrandchildCredential));
        foreach (var token in new[] { tree.Root, tree.Child, tree.Grandchild })
        {
            var run = await ForgedRunTokens.RecordOfAsync(Broker, token);
            Assert.Equal(Broker.Now, run.EndedAt);
            Assert.Equal(OrchestratorAgent, run.EndedBy);
        }
    }

    [Fact]
    public async Task EndRun_OperatorThroughTheAdminSocket_EndsTheTreeAtOnce()
    {
        var tree = await ThreeLevelTreeAsync();
        using var admin = Broker.Admin();

        var ended = await admin.EndRunAsync(RunId(tree.Root), "incident 42");

        Assert.Equal(new[] { RunId(tree.Root), RunId(tree.Child), RunId(tree.Grandchild) }.Order(StringComparer.Ordinal), ended.Order(StringComparer.Ordinal));
        Assert.False(await Broker.ActiveAsync(tree.RootCredential));
        Assert.False(await Broker.ActiveAsync(tree.ChildCredential));
        Assert.False(await Broker.ActiveAsync(tree.GrandchildCredential));
        Assert.Equal("incident 42", (await ForgedRunTokens.RecordOfAsync(Broker, tree.Grandchild)).EndReason);
    }

    [Fact]
    public async Task EndRun_ParentEnded_SubAgentGetsNothingNewFromItsRunToken()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        await Broker.EndRunAsync(parent, SupportAgent);

        var credential = await Broker.ExchangeAsync(Broker.InRunRequest(child, ExecutorAgent));
        var renewal = await Broker.ExchangeAsync(Broker.RunTokenRequest(child, ExecutorAgent));

        Expect.Refused(credential, "invalid_request", $"run '{RunId(child)}' has ended; start a new run");
        Expect.Refused(renewal, "invalid_request", $"run '{RunId(child)}' has ended");
    }

    [Fact]
    public async Task EndRun_SubAgentEndsItsOwnRun_ItsCredentialIsInactiveAndTheParentsIsNot()
    {
        var parent = await Broker.StartRunAsync();
        var parentCredential = await Broker.IssueInRunAsync(parent);
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var childCredential = await Broker.IssueInRunAsync(child, ExecutorAgent);

        await Broker.EndRunAsync(child, ExecutorAgent);

        Assert.False(await Broker.ActiveAsync(childCredential));
        Assert.True(await Broker.ActiveAsync(parentCredential));
        Assert.True(await Broker.ActiveAsync(await Broker.IssueInRunAsync(parent)));
    }

    [Fact]
    public async Task EndRun_SupervisorEndsItsSubAgentsRun_OnlyTheChildEnds()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var childCredential = await Broker.IssueInRunAsync(child, ExecutorAgent);

        Assert.Equal(HttpStatusCode.OK, (await Broker.EndRunAsync(child, SupportAgent)).Status);

        Assert.False(await Broker.ActiveAsync(childCredential));
        Assert.True((await ForgedRunTokens.RecordOfAsync(Broker, parent)).IsOpen(Broker.Now));
    }

    [Theory]
    [InlineData(ResearchAgent)]
    [InlineData(ExecutorAgent)]
    [InlineData(RefundsWorkload)]
    public async Task EndRun_CallerOutsideTheRunsChain_ReturnsUnauthorizedClient(string caller)
    {
        // A third agent, a sub-agent reaching above itself, and the tool the run's credentials address.
        var parent = await Broker.StartRunAsync();
        await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var credential = await Broker.IssueInRunAsync(parent);

        var reply = await Broker.EndRunAsync(parent, caller);

        Expect.Refused(reply, "unauthorized_client", "only the run's agent or an agent above it in the delegation chain may end a run");
        Assert.True((await ForgedRunTokens.RecordOfAsync(Broker, parent)).IsOpen(Broker.Now));
        Assert.True(await Broker.ActiveAsync(credential));
    }

    [Fact]
    public async Task EndRun_AdminUnknownRun_Returns404Problem()
    {
        var reply = await AdminSocket.PostJsonAsync(Broker, "admin/runs/run_unknown/end", new { reason = "test" });

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("unknown run", reply.Json.GetProperty("title").GetString());
        Assert.Contains("no run 'run_unknown' is recorded", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var admin = Broker.Admin();
        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => admin.EndRunAsync("run_unknown", null));
        Assert.Equal(404, refusal.Status);
    }

    [Fact]
    public async Task EndRun_WithARunTokenThatHasExpired_StillEndsTheRunAndItsSubAgents()
    {
        // The supervisor waited longer than its run token lives while the sub-agent kept renewing its own.
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        Broker.Clock.Advance(TimeSpan.FromMinutes(10));
        child = await Broker.DelegateAsync(child, ExecutorAgent);
        Broker.Clock.Advance(TimeSpan.FromMinutes(6));
        var childCredential = await Broker.IssueInRunAsync(child, ExecutorAgent);

        var reply = await Broker.EndRunAsync(parent, SupportAgent);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(await Broker.ActiveAsync(childCredential));
        Assert.NotNull((await ForgedRunTokens.RecordOfAsync(Broker, child)).EndedAt);
    }

    [Fact]
    public async Task EndRun_CredentialClaimingTheEndedRunByParameter_IsRefused()
    {
        // The run revocation covers what was issued up to the end; a later credential must not join the run.
        var runToken = await Broker.StartRunAsync();
        await Broker.EndRunAsync(runToken, SupportAgent);
        Broker.Clock.Advance(TimeSpan.FromSeconds(1));

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Run = RunId(runToken) });

        Expect.Refused(reply, "invalid_request", $"run '{RunId(runToken)}' was revoked", "use a new run id");
        await Broker.AssertNothingIssuedAsync();
    }

    /// <summary>orchestrator → executor → checker, each holding a refunds credential.</summary>
    private async Task<(string Root, string RootCredential, string Child, string ChildCredential, string Grandchild, string GrandchildCredential)> ThreeLevelTreeAsync()
    {
        var root = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(root, ExecutorAgent);
        var grandchild = await Broker.DelegateAsync(child, CheckerAgent, "refunds:read");
        return (root, await Broker.IssueInRunAsync(root, OrchestratorAgent),
            child, await Broker.IssueInRunAsync(child, ExecutorAgent),
            grandchild, await Broker.IssueInRunAsync(grandchild, CheckerAgent, scope: "refunds:read"));
    }
}
