using Mandate.Core.Decisions;
using Mandate.Core.Policy;
using Mandate.Core.RateLimits;
using Mandate.Core.Resolution;
using Mandate.Core.Storage;

namespace Mandate.Core.Tests.Stages;

/// <summary>The Load state stage: one pinned policy snapshot per request, and the counts of the rate limits that may apply.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class LoadStateStageTests : IAsyncLifetime
{
    private const string Policy = """
        rules:
          - id: five-an-hour
            reason: Support reads refunds, five times an hour per user.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read]
            rate_limit: {per: user, max: 5, window: 1h}
        """;

    private readonly TempDirectory _dir = new();
    private StageFixture _f = new();
    private PolicyProvider? _provider;

    public async Task InitializeAsync()
    {
        _f = await _f.MigrateAsync();
        await File.WriteAllTextAsync(_dir.File("policy.yaml"), Policy);
        _provider = PolicyProvider.Load(_dir.File("policy.yaml"), _f.Clock);
    }

    public async Task DisposeAsync()
    {
        _provider?.Dispose();
        await _f.DisposeAsync();
        _dir.Dispose();
    }

    private PolicyProvider Provider => _provider ?? throw new InvalidOperationException("loaded in InitializeAsync");

    [Fact]
    public async Task LoadAsync_NoRateInputNoEvidenceSubject_PinsTheCurrentSnapshotOnly()
    {
        var state = await new LoadStateStage(_f.Store, Provider).LoadAsync(null, null, _f.Now, CancellationToken.None);

        Assert.Same(Provider.Current, state.Policy);
        Assert.Empty(state.Evidence);
        Assert.Empty(state.RateCounts);
    }

    [Fact]
    public async Task LoadAsync_RuleWithRateLimit_CountsOfItsCurrentWindow()
    {
        var facts = _f.Facts(_f.UserSubject(), new Placement("acme", "run_9", [StageFixture.Support], 0));
        var tool = new ResolvedTool(_f.Registry.FindTool("refunds") ?? throw new InvalidOperationException("refunds"), ["refunds:read"]);
        var input = DecideStage.RateInput(facts, tool);
        var rule = Assert.Single(Provider.Current.Rules);
        var limit = rule.RateLimit ?? throw new InvalidOperationException("the rule has a rate limit");
        await _f.Store.CommitAsync(new StoreBatch(new RateIncrement(limit.CounterKey(rule.Id, input, _f.Now), _f.Now.AddHours(2))), CancellationToken.None);

        var state = await new LoadStateStage(_f.Store, Provider).LoadAsync(null, input, _f.Now, CancellationToken.None);

        Assert.Equal(1, state.RateCounts["five-an-hour"]);
    }
}
