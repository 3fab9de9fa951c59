using Mandate.Core.Audit;
using Mandate.Core.Decisions;
using Mandate.Core.Policy;
using Mandate.Core.Resolution;
using Mandate.Policy;
using Mandate.Policy.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Tests.Stages;

/// <summary>The Decide stage: decides on the request's pinned snapshot, records refusals, and keeps them when the record fails.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class DecideStageTests : IAsyncLifetime
{
    private const string Policy = """
        rules:
          - id: support-reads-refunds
            reason: Support reads refunds.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read]
          - id: big-refunds
            reason: Writes need a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:write]
        """;

    private StageFixture _f = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task CredentialAsync_AllowedScope_AllowedOnThePinnedSnapshot()
    {
        var result = await DecideAsync("refunds", ["refunds:read"], PolicyTestData.Load(Policy));

        Assert.False(result.Failed(out _, out var decided));
        Assert.True(decided.Decision.IsAllowed);
        Assert.Empty(_f.Trail.Batches);
    }

    [Fact]
    public async Task CredentialAsync_NoRuleAllows_RefusedNoRuleAndRecorded()
    {
        var result = await DecideAsync("crm", ["crm:read"], PolicyTestData.Load(Policy));

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal((DecideChecks.NoRule.Id, E.InvalidTarget), (error.CheckId, error.Error));
        Assert.StartsWith("no policy rule allows this request:", error.Description, StringComparison.Ordinal);
        Assert.Contains("(decision dec_test, policy ", error.Description, StringComparison.Ordinal);
        var record = Assert.Single(Assert.Single(_f.Trail.Batches).Of<Mandate.Core.Audit.AuditEvent>());
        Assert.Equal((AuditKinds.Decision, "deny", "dec_test", "crm:read"), (record.Kind, record.Outcome, record.DecisionId, record.Evidence["requested_scope"]));
    }

    [Fact]
    public async Task CredentialAsync_RefusalNotRecordedBecauseStoreIsGone_RefusalStands()
    {
        _f.Trail.Fail = true;

        var result = await DecideAsync("crm", ["crm:read"], PolicyTestData.Load(Policy));

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(DecideChecks.NoRule.Id, error.CheckId);
    }

    [Fact]
    public async Task CredentialAsync_RequireApproval_ReturnedForTheApprovalRequestNotRecorded()
    {
        var result = await DecideAsync("refunds", ["refunds:write"], PolicyTestData.Load(Policy));

        Assert.False(result.Failed(out _, out var decided));
        Assert.True(decided.Decision.RequiresApproval);
        Assert.Empty(_f.Trail.Batches);
    }

    [Fact]
    public async Task RunAsync_EnvelopeToolRequiringApproval_RefusedRuleDenied()
    {
        var envelope = new Runs.RunEnvelope([new KeyValuePair<string, IEnumerable<string>>("refunds", ["refunds:write"])]);
        var facts = _f.Facts(_f.UserSubject(), new Placement("acme", "run_9", [StageFixture.Support], 0));
        var state = new PolicyState(PolicyTestData.Load(Policy), new Dictionary<string, string>(), new Dictionary<string, long>());

        var result = await Stage().RunAsync(facts, envelope, RequestDetails.None, state, CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(DecideChecks.RuleDenied.Id, error.CheckId);
        Assert.StartsWith("policy rule 'big-refunds' denied:", error.Description, StringComparison.Ordinal);
    }

    private DecideStage Stage() => new(new PinnedOnly(), _f.Trail, _f.Options, NullLogger<DecideStage>.Instance);

    private Task<Mandate.Core.Protocol.Result<ToolDecision>> DecideAsync(string tool, IReadOnlyList<string> scopes, PolicySnapshot policy)
    {
        var facts = _f.Facts(_f.UserSubject(), new Placement("acme", "run_9", [StageFixture.Support], 0));
        var resolved = new ResolvedTool(_f.Registry.FindTool(tool) ?? throw new InvalidOperationException(tool), scopes);
        var state = new PolicyState(policy, new Dictionary<string, string>(), new Dictionary<string, long>());
        return Stage().CredentialAsync(facts, resolved, RequestDetails.None, state, CancellationToken.None);
    }

    /// <summary>A decision point that fails the test unless the stage decides on the snapshot it was handed.</summary>
    private sealed class PinnedOnly : IPolicyDecisionPoint
    {
        public Decision Evaluate(PolicyInput input) => throw new InvalidOperationException("the stage must decide on the request's pinned snapshot");
    }
}
