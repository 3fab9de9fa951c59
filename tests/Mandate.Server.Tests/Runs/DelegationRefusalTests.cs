using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// A sub-agent trying to hold more than its parent, one way each: every attempt is refused with the RFC 6749 §5.2 error
/// and the stable check id, creates no run, issues nothing, and leaves at most the refusal's own audit record.
/// </summary>
[Trait("Invariant", "3")]
public sealed class DelegationRefusalTests : BrokerTest
{
    [Fact]
    public async Task Invariant7_RunTokenWhoseRunIdWasEditedToAnotherRuns_DelegationIsRefused()
    {
        var parent = await Broker.StartRunAsync();
        var other = await Broker.StartRunAsync(subjectToken: Broker.UserToken("bob"));
        var forged = ForgedRunTokens.EditPayload(parent, p => p["txn"] = RunId(other));

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(forged, ExecutorAgent), "invalid_request", "attest.subject_token");
    }

    [Fact]
    public async Task Invariant7_BrokerSignedRunTokenWithTheParentsChainEdited_DelegationIsRefused()
    {
        // RFC 8693 §4.1: the act chain is the broker's statement of who delegated; one no stored run backs is not trusted.
        var parent = await Broker.StartRunAsync();
        var record = await ForgedRunTokens.RecordOfAsync(Broker, parent);
        var forged = ForgedRunTokens.SignWithBrokerKey(Broker, record with { Actors = [OrchestratorAgent, SupportAgent], Depth = 1 });

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(forged, ExecutorAgent), "invalid_request", "attest.subject_token");
    }

    [Fact]
    public async Task Invariant3_BrokerSignedRunTokenClaimingARaisedDepthLimit_TheRecordedLimitRefusesTheGrandchild()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");
        var record = await ForgedRunTokens.RecordOfAsync(Broker, child);
        var forged = ForgedRunTokens.SignWithBrokerKey(Broker, record with { MaxDepth = 5 });

        // The limit is read from the stored run, never from the token (the support agent's trees are one level deep), and
        // a token whose limit differs from its run's was not minted for it, so it is refused before that.
        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(forged, CheckerAgent), "invalid_request", "attest.run_token_differs");
        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(child, CheckerAgent), "invalid_request", "resolve.depth_exceeded");
    }

    [Fact]
    public async Task Invariant3_ChildScopeWiderThanTheParents_ReturnsInvalidScope()
    {
        var parent = await Broker.StartRunAsync(scope: "refunds:read");

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent, "refunds:read refunds:write"), "invalid_scope", "resolve.envelope_exceeds_parent");
    }

    [Fact]
    public async Task Invariant4_ChildLifetimeLongerThanTheParentsRunToken_ReturnsInvalidRequest()
    {
        var parent = await Broker.StartRunAsync();

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent) with { RequestedLifetime = 3600 }, "invalid_request", "issue.lifetime_exceeded");
    }

    [Fact]
    public async Task Invariant6_ChildOfAnEndedRun_IsRefused()
    {
        var parent = await Broker.StartRunAsync();
        await Broker.EndRunAsync(parent, SupportAgent);

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent), "invalid_request", "standing.run_ended");
    }

    [Fact]
    public async Task Invariant6_ChildOfARevokedRun_IsRefused()
    {
        var parent = await Broker.StartRunAsync();
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", RunId(parent), "incident");
        }

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent), "invalid_request", "standing.run_revoked");
    }

    [Fact]
    public async Task Invariant4_ChildOfARunWhoseTokenExpired_IsRefused()
    {
        var parent = await Broker.StartRunAsync();
        Broker.Clock.Advance(TimeSpan.FromMinutes(16));

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent), "invalid_request", "attest.subject_token");
    }

    [Fact]
    public async Task Invariant3_ChildNamedInAnotherTenant_ReturnsInvalidTarget()
    {
        var parent = await Broker.StartRunAsync();

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent) with { Tenant = "globex" }, "invalid_target", "resolve.tenant_switch");
    }

    [Fact]
    public async Task Invariant5_ChildNamedForAnotherUsersRun_IsRefused()
    {
        var parent = await Broker.StartRunAsync();
        var bobs = await Broker.StartRunAsync(subjectToken: Broker.UserToken("bob"));

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ExecutorAgent) with { Run = RunId(bobs) }, "invalid_request", "request.run_in_run_request");
    }

    [Fact]
    public async Task Invariant3_ChildRunTokenReplayedByAnotherAgentForACredential_IsRefused()
    {
        var parent = await Broker.StartRunAsync();
        var child = await Broker.DelegateAsync(parent, ExecutorAgent, "refunds:write");

        await RefusedWithoutChangeAsync(Broker.InRunRequest(child, InternAgent), "invalid_request", "resolve.not_run_agent");
    }

    [Fact]
    public async Task Invariant3_ParentRunTokenReplayedByAnAgentThatDeclaredNoneOfItsTools_CreatesNoChild()
    {
        var parent = await Broker.StartRunAsync();

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, ResearchAgent), "invalid_scope", "resolve.no_parent_tools");
    }

    [Fact]
    public async Task Invariant3_ParentRunTokenReplayedByAnAgentNoRuleAllows_CreatesNoChild()
    {
        var parent = await Broker.StartRunAsync();

        await RefusedWithoutChangeAsync(Broker.RunTokenRequest(parent, InternAgent), "invalid_target", "decide.no_rule");
    }

    private async Task RefusedWithoutChangeAsync(ExchangeRequest request, string error, string check)
    {
        var runs = await Broker.Runtime.Store.ListRunsAsync(new RunQuery(), CancellationToken.None);
        var before = await Broker.ReadAuditAsync();

        var reply = await Broker.ExchangeAsync(request);

        Expect.Refused(reply, error);
        Assert.Equal(check, reply.Member("check_id"));
        Assert.Equal(runs.Count, (await Broker.Runtime.Store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Count);
        var added = (await Broker.ReadAuditAsync()).Skip(before.Count).Select(r => r.TryReadEvent()!).ToList();
        Assert.True(added.Count <= 1, $"expected at most the refusal's own record, got {added.Count}");
        Assert.All(added, e => Assert.True(e.Kind != AuditKinds.Issuance && e.Kind != AuditKinds.Run && e.Outcome != "allow", $"{e.Kind} {e.Outcome}"));
    }
}
