namespace Mandate.Core.RateLimits;

/// <summary>Rate-limit counters' reads (policy state); each <see cref="RateIncrement"/> in a committed batch adds one.</summary>
public interface IRateCounterStore
{
    /// <summary>Current values of the counters named by <paramref name="keys"/>; absent counters are left out.</summary>
    Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}
