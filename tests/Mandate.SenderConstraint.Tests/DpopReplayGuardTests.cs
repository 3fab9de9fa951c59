using Mandate.Testing;

namespace Mandate.SenderConstraint.Tests;

/// <summary>The validator over a replay guard other nodes share: what the guard says decides, and a guard that cannot tell accepts nothing.</summary>
public sealed class DpopReplayGuardTests : IDisposable
{
    private const string Url = "https://mandate.example/token";
    private readonly ManualTimeProvider _time = new();
    private readonly DpopProofs _client = new();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ValidateAsync_GuardReportsReplay_RefusedAsReplayed()
    {
        var guard = new ScriptedGuard(ReplayCacheOutcome.Replayed);
        var validator = new DpopProofValidator(new DpopValidationOptions(), _time, guard);

        var result = await validator.ValidateAsync(new DpopProofRequest(_client.Create("POST", Url, _time.GetUtcNow()), "POST", new Uri(Url)));

        Assert.False(result.IsValid);
        Assert.Equal(BindingChecks.DpopProofReplayed, result.CheckId);
        Assert.Single(guard.Keys);
        Assert.StartsWith(_client.Thumbprint + " ", guard.Keys[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_GuardAdds_ValidWithTheProofsWindowAsExpiry()
    {
        var guard = new ScriptedGuard(ReplayCacheOutcome.Added);
        var validator = new DpopProofValidator(new DpopValidationOptions(), _time, guard);
        var issuedAt = _time.GetUtcNow();

        var result = await validator.ValidateAsync(new DpopProofRequest(_client.Create("POST", Url, issuedAt), "POST", new Uri(Url)));

        Assert.True(result.IsValid, result.FailureReason);
        Assert.True(guard.ExpiresAt[0] > issuedAt);
    }

    [Fact]
    public async Task ValidateAsync_GuardThrows_FailsClosedWithTheGuardsException()
    {
        var validator = new DpopProofValidator(new DpopValidationOptions(), _time, new ThrowingGuard());

        await Assert.ThrowsAsync<TimeoutException>(() =>
            validator.ValidateAsync(new DpopProofRequest(_client.Create("POST", Url, _time.GetUtcNow()), "POST", new Uri(Url))));
    }

    [Fact]
    public async Task ValidateAsync_SharedInMemoryGuard_ProofAcceptedByOneValidatorRefusedByAnother()
    {
        var shared = new DpopReplayCache();
        var nodeA = new DpopProofValidator(new DpopValidationOptions(), _time, shared);
        var nodeB = new DpopProofValidator(new DpopValidationOptions(), _time, shared);
        var proof = _client.Create("POST", Url, _time.GetUtcNow());

        Assert.True((await nodeA.ValidateAsync(new DpopProofRequest(proof, "POST", new Uri(Url)))).IsValid);
        var replayed = await nodeB.ValidateAsync(new DpopProofRequest(proof, "POST", new Uri(Url)));

        Assert.Equal(BindingChecks.DpopProofReplayed, replayed.CheckId);
    }

    private sealed class ScriptedGuard(ReplayCacheOutcome outcome) : IProofReplayGuard
    {
        public List<string> Keys { get; } = [];

        public List<DateTimeOffset> ExpiresAt { get; } = [];

        public ValueTask<ReplayCacheOutcome> TryAddAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Keys.Add(key);
            ExpiresAt.Add(expiresAt);
            return ValueTask.FromResult(outcome);
        }
    }

    private sealed class ThrowingGuard : IProofReplayGuard
    {
        public ValueTask<ReplayCacheOutcome> TryAddAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new TimeoutException("the proof store did not answer");
    }
}
