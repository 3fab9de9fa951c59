using Mandate.Core.Audit;
using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Core.Tests.Policy;

public sealed class ShadowDecisionPointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mandate-shadow-").FullName;

    [Fact]
    public async Task The_active_decision_is_enforced_and_a_difference_is_audited_with_both_outcomes()
    {
        var active = Load(Rules(Rule("allow-refunds", "allow", Support, "refunds")));
        var candidatePath = Path.Combine(_directory, "candidate.yaml");
        File.WriteAllText(candidatePath, Rules(Rule("freeze", "deny", Support, "refunds")));
        var trail = new RecordingTrail();
        using var provider = PolicyProvider.Load(candidatePath, new ManualTimeProvider());
        using var shadow = new ShadowDecisionPoint(new FixedPoint(active), provider, trail, new ManualTimeProvider(), "node-a", NullLogger.Instance);

        var decision = shadow.Evaluate(UserRequest);
        await trail.Written.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(decision.IsAllowed);
        var audit = Assert.Single(trail.Events);
        Assert.Equal(AuditKinds.ShadowDecision, audit.Kind);
        Assert.Equal("allow/deny", audit.Outcome);
        Assert.Equal("allow-refunds", audit.Evidence["active_rule"]);
        Assert.Equal("freeze", audit.Evidence["shadow_rule"]);
    }

    [Fact]
    public void Identical_decisions_record_nothing()
    {
        var active = Load(Rules(Rule("allow-refunds", "allow", Support, "refunds")));
        var candidatePath = Path.Combine(_directory, "same.yaml");
        File.WriteAllText(candidatePath, Rules(Rule("allow-refunds", "allow", Support, "refunds")));
        var trail = new RecordingTrail();
        using var provider = PolicyProvider.Load(candidatePath, new ManualTimeProvider());
        using var shadow = new ShadowDecisionPoint(new FixedPoint(active), provider, trail, new ManualTimeProvider(), "node-a", NullLogger.Instance);

        shadow.Evaluate(UserRequest);

        Assert.Equal(0, shadow.DifferenceCount);
        Assert.Empty(trail.Events);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class FixedPoint(PolicySnapshot policy) : IPolicyDecisionPoint
    {
        public Decision Evaluate(PolicyInput input) => PolicyEngine.Evaluate(policy, input);
    }

    private sealed class RecordingTrail : IUnitOfWork
    {
        public List<AuditEvent> Events { get; } = [];

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
        {
            lock (Events)
            {
                Events.AddRange(batch.Of<AuditEvent>());
            }

            Written.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
