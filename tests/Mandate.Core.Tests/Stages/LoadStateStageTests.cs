using Mandate.Core.Decisions;
using Mandate.Core.Policy;
using Mandate.Core.RateLimits;
using Mandate.Core.Resolution;
using Mandate.Core.Storage;

namespace Mandate.Core.Tests.Stages;

/// <summary>The Load state stage: one pinned policy snapshot per request, and the counts of the rate limits that may apply.</summary>
public sealed class LoadStateStageTests : PolicyStageTest
{
    protected override string Policy => """
        rules:
          - id: five-an-hour
            reason: Support reads refunds, five times an hour per user.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read]
            rate_limit: {per: user, max: 5, window: 1h}
        """;

    [Fact]
    public async Task LoadAsync_NoRateInputNoEvidenceSubject_PinsTheCurrentSnapshotOnly()
    {
        var state = await new LoadStateStage(F.Store, Provider).LoadAsync(null, null, F.Now, CancellationToken.None);

        Assert.Same(Provider.Current, state.Policy);
        Assert.Empty(state.Evidence);
        Assert.Empty(state.RateCounts);
    }

    [Fact]
    public async Task LoadAsync_RuleWithRateLimit_CountsOfItsCurrentWindow()
    {
        var facts = F.Facts(F.UserSubject(), new Placement("acme", "run_9", [StageFixture.Support], 0));
        var tool = new ResolvedTool(F.Registry.FindTool("refunds") ?? throw new InvalidOperationException("refunds"), ["refunds:read"]);
        var input = DecideStage.RateInput(facts, tool);
        var rule = Assert.Single(Provider.Current.Rules);
        var limit = rule.RateLimit ?? throw new InvalidOperationException("the rule has a rate limit");
        await F.Store.CommitAsync(new StoreBatch(new RateIncrement(limit.CounterKey(rule.Id, input, F.Now), F.Now.AddHours(2))), CancellationToken.None);

        var state = await new LoadStateStage(F.Store, Provider).LoadAsync(null, input, F.Now, CancellationToken.None);

        Assert.Equal(1, state.RateCounts["five-an-hour"]);
    }
}
