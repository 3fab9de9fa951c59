using Mandate.Core.Attestation;
using Mandate.Core.Decisions;
using Mandate.Core.Grants;
using Mandate.Core.Policy;
using Mandate.Core.RateLimits;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Core.Tests.Stages;

/// <summary>
/// Invariant 3 for budgets, stage by stage: Load state reads each delegator's counters as its rule keys a request of its own
/// agent in its own run, Decide judges each delegator against them, and the increments name every delegator budget.
/// </summary>
[Trait("Invariant", "3")]
public sealed class ChainRateLimitTests : PolicyStageTest
{
    protected override string Policy => """
        rules:
          - id: support-twice-per-run
            reason: Support refunds at most twice in each of its runs.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: run, max: 2, window: 1h}
          - id: executor-refunds
            reason: The executor refunds what it is handed.
            effect: allow
            agents: ["spiffe://acme.example/agents/executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            rate_limit: {per: agent, max: 100, window: 1h}
        """;

    [Fact]
    public void ChainRateInputs_ChildRun_TheDelegatorKeyedByItsAgentAndItsOwnRun()
    {
        var facts = ChildFacts();

        var input = Assert.Single(DecideStage.ChainRateInputs(facts, DecideStage.RateInput(facts, Refunds())));

        Assert.Equal((StageFixture.Support, "run_root", "alice"), (input.Agent, input.RunId, input.User));
    }

    [Fact]
    public void ChainRateInputs_RootRun_NoneSoLoadStateReadsWhatItAlwaysDid()
    {
        var facts = F.Facts(F.UserSubject(), new Placement("acme", "run_root", [StageFixture.Support], 0));

        Assert.Empty(DecideStage.ChainRateInputs(facts, DecideStage.RateInput(facts, Refunds())));
    }

    [Fact]
    public async Task Invariant3_DelegatorsOwnRunCounterAtItsLimit_ChildRefusedNamingTheDelegatorAndNothingCounted()
    {
        await CountAsync(SupportRunKey(), times: 2);

        var (result, _) = await DecideChildAsync();

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(DecideChecks.DelegatorNotAllowed.Id, error.CheckId);
        Assert.Contains($"the delegating agent '{StageFixture.Support}' of run 'run_root'", error.Description, StringComparison.Ordinal);
        Assert.Contains("'support-twice-per-run' allows at most 2 credentials per run per 1h", error.Description, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(F.Trail.Batches).Of<RateIncrement>());
    }

    [Fact]
    public async Task Invariant3_DelegatorUnderItsLimit_IncrementsNameTheCallersAndTheDelegatorsBudgets()
    {
        await CountAsync(SupportRunKey(), times: 1);

        var (result, rateInput) = await DecideChildAsync();

        Assert.False(result.Failed(out _, out var decided));
        var keys = DecideStage.RateIncrements(decided, rateInput, F.Now).Select(i => i.Key).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Contains(SupportRunKey(), keys);
        Assert.Contains(keys, k => k.StartsWith($"executor-refunds|agent:{StageFixture.Executor}|", StringComparison.Ordinal));
    }

    [Fact]
    public void RateIncrements_CounterSharedByCallerAndDelegator_MovesOnce()
    {
        var limit = new RateLimit(RateLimitPer.User, 5, TimeSpan.FromHours(1));
        var facts = ChildFacts();
        var input = DecideStage.RateInput(facts, Refunds());
        var shared = new RateIncrement(limit.CounterKey("shared", input, F.Now), F.Now.AddHours(1));
        var decided = new ToolDecision("refunds", ["refunds:write"], new Decision { Effect = DecisionEffect.Allow, RuleId = "shared", RateLimit = limit, PolicyVersion = "v1", Reason = "" })
        {
            DelegatorRateIncrements = [shared],
        };

        Assert.Equal([shared.Key], DecideStage.RateIncrements(decided, input, F.Now).Select(i => i.Key));
    }

    private async Task<(Mandate.Core.Protocol.Result<ToolDecision> Result, PolicyInput RateInput)> DecideChildAsync()
    {
        var facts = ChildFacts();
        var tool = Refunds();
        var rateInput = DecideStage.RateInput(facts, tool);
        var state = await new LoadStateStage(F.Store, Provider).LoadAsync(null, rateInput, DecideStage.ChainRateInputs(facts, rateInput), F.Now, CancellationToken.None);
        var stage = new DecideStage(new CurrentPolicyDecisionPoint(Provider), F.Trail, F.Options, NullLogger<DecideStage>.Instance);
        return (await stage.CredentialAsync(facts, tool, RequestDetails.None, state, CancellationToken.None), rateInput);
    }

    private async Task CountAsync(string key, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await F.Store.CommitAsync(new StoreBatch(new RateIncrement(key, F.Now.AddHours(2))), CancellationToken.None);
        }
    }

    // The support rule's counter for its own run (run_root), in the current window.
    private string SupportRunKey()
    {
        var rule = Provider.Current.Rules.Single(r => r.Id == "support-twice-per-run");
        var facts = ChildFacts();
        var input = DecideStage.RateInput(facts, Refunds()) with { Agent = StageFixture.Support, RunId = "run_root" };
        return rule.RateLimit!.CounterKey(rule.Id, input, F.Now);
    }

    private ResolvedTool Refunds() => new(F.Registry.FindTool("refunds") ?? throw new InvalidOperationException("refunds"), ["refunds:write"]);

    // The executor in run_child, which the support agent delegated from its run_root.
    private GrantFacts ChildFacts()
    {
        var token = F.RunToken(StageFixture.Executor, depth: 1);
        var child = token with { Run = token.Run with { Id = "run_child", Lineage = "run_root/run_child", ParentId = "run_root", Actors = [StageFixture.Support, StageFixture.Executor] } };
        var subject = F.UserSubject() with { Run = child };
        var placement = new Placement("acme", "run_child", [StageFixture.Support, StageFixture.Executor], 1);
        return new GrantFacts(F.Now, "dec_test", F.Actor(StageFixture.Executor), subject, SenderBinding.None, placement);
    }
}
