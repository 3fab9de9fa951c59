namespace Mandate.SenderConstraint.Tests;

public sealed class DpopReplayCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryAdd_LiveKeyTwice_ReportsReplay()
    {
        var cache = new DpopReplayCache();
        Assert.Equal(ReplayCacheOutcome.Added, cache.TryAdd("a", T0.AddSeconds(60), T0));
        Assert.Equal(ReplayCacheOutcome.Replayed, cache.TryAdd("a", T0.AddSeconds(60), T0.AddSeconds(59)));
    }

    [Fact]
    public void TryAdd_WhenFullOfLiveEntries_FailsClosedAndRecoversAfterExpiry()
    {
        var cache = new DpopReplayCache(capacity: 2);
        cache.TryAdd("a", T0.AddSeconds(60), T0);
        cache.TryAdd("b", T0.AddSeconds(60), T0);
        Assert.Equal(ReplayCacheOutcome.Full, cache.TryAdd("c", T0.AddSeconds(60), T0));
        Assert.Equal(ReplayCacheOutcome.Added, cache.TryAdd("c", T0.AddSeconds(120), T0.AddSeconds(60)));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TryAdd_ConcurrentSameKey_AcceptsExactlyOnce()
    {
        var cache = new DpopReplayCache();
        var added = 0;
        Parallel.For(0, 64, _ =>
        {
            if (cache.TryAdd("same", T0.AddSeconds(60), T0) == ReplayCacheOutcome.Added)
            {
                Interlocked.Increment(ref added);
            }
        });
        Assert.Equal(1, added);
    }
}
